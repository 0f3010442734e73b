"""`manage.py create_staff_user`, and how staff sign in: the admin login locks an account out of an IP
address after five wrong passwords."""

import io
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.test import Client

pytestmark = pytest.mark.django_db

EMAIL = "sam.jones@education.gov.uk"


def run(*args: str, stdin: str | None = None) -> list[str]:
    out = io.StringIO()
    options = {"stdout": out} if stdin is None else {"stdout": out, "stdin": io.StringIO(stdin)}
    call_command("create_staff_user", *args, **options)
    return out.getvalue().splitlines()


def roles(user: User) -> list[str]:
    return list(user.groups.order_by("name").values_list("name", flat=True))


def can_log_in(username: str, password: str) -> bool:
    # The lockout backend needs a request to key its counts on; client.login() passes none of its own.
    return Client().login(request=HttpRequest(), username=username, password=password)


# The command


def test_creates_a_staff_user_and_prints_a_one_time_password() -> None:
    output = run("--email", "Sam.Jones@Education.gov.uk", "--role", "admin", "--name", "Sam van der Jones")

    user = User.objects.get()
    assert (user.username, user.email, user.first_name, user.last_name) == (EMAIL, EMAIL, "Sam", "van der Jones")
    assert (user.is_staff, user.is_superuser, user.is_active) == (True, False, True)
    assert roles(user) == ["Admin"]
    assert output[0] == f"Created staff user {EMAIL} with the Admin role."
    assert can_log_in(EMAIL, output[-1])


def test_a_rerun_changes_the_role_and_keeps_the_password() -> None:
    password = run("--email", EMAIL, "--role", "admin")[-1]

    output = run("--email", EMAIL, "--role", "finance")

    assert output == [f"Changed the role of {EMAIL} from Admin to Finance."]
    assert roles(User.objects.get()) == ["Finance"]
    assert can_log_in(EMAIL, password)


def test_a_rerun_with_the_same_role_says_so_and_changes_nothing() -> None:
    password = run("--email", EMAIL, "--role", "finance")[-1]

    output = run("--email", EMAIL, "--role", "finance")

    assert output == [f"{EMAIL} already has the Finance role."]
    assert roles(User.objects.get()) == ["Finance"]
    assert can_log_in(EMAIL, password)


def test_a_role_is_given_to_an_existing_user_without_one() -> None:
    User.objects.create_user(EMAIL, password="kept-password-1")

    output = run("--email", EMAIL, "--role", "admin")

    assert output == [f"Changed the role of {EMAIL} from no role to Admin."]
    user = User.objects.get()
    assert (user.is_staff, roles(user)) == (True, ["Admin"])
    assert can_log_in(EMAIL, "kept-password-1")


def test_reset_password_replaces_the_password() -> None:
    old = run("--email", EMAIL, "--role", "admin")[-1]

    output = run("--email", EMAIL, "--role", "admin", "--reset-password")

    assert output[:2] == [f"{EMAIL} already has the Admin role.", "Password reset."]
    assert output[-1] != old
    assert can_log_in(EMAIL, output[-1])
    assert not can_log_in(EMAIL, old)


def test_reads_the_password_from_standard_input() -> None:
    output = run("--email", EMAIL, "--role", "finance", "--password-stdin", stdin="a long enough passphrase\n")

    assert output == [f"Created staff user {EMAIL} with the Finance role."]
    assert can_log_in(EMAIL, "a long enough passphrase")


def test_reset_password_reads_standard_input() -> None:
    run("--email", EMAIL, "--role", "finance")

    run("--email", EMAIL, "--role", "finance", "--reset-password", "--password-stdin", stdin="another passphrase 2\n")

    assert can_log_in(EMAIL, "another passphrase 2")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "boss"], None, "invalid choice: 'boss'"),
        (["--role", "admin", "--password", "secret"], None, "unrecognized arguments: --password secret"),
        (["--role", "admin", "--password-stdin"], "\n", "standard input has no password"),
        (["--role", "admin", "--password-stdin"], "password\n", "This password is too common."),
    ],
    ids=["unknown role", "no password argument", "empty standard input", "weak password"],
)
def test_refuses_and_creates_nobody(args: list[str], stdin: str | None, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("--email", EMAIL, *args, stdin=stdin)

    assert not User.objects.exists()


def test_refuses_an_address_that_is_not_an_email() -> None:
    with pytest.raises(CommandError, match=r"Enter a valid email address\."):
        run("--email", "sam.jones", "--role", "admin")

    assert not User.objects.exists()


def test_a_password_on_standard_input_for_an_existing_user_needs_reset_password() -> None:
    password = run("--email", EMAIL, "--role", "admin")[-1]

    with pytest.raises(CommandError, match="password is changed only when a reset is asked for"):
        run("--email", EMAIL, "--role", "finance", "--password-stdin", stdin="a long enough passphrase\n")

    assert roles(User.objects.get()) == ["Admin"]
    assert can_log_in(EMAIL, password)


# Signing in at /admin/login/


@pytest.fixture
def staff_user() -> User:
    return User.objects.create_user(EMAIL, password="the right password", is_staff=True)


def sign_in(client: Client, password: str, ip: str = "192.0.2.1") -> int:
    response = client.post(
        "/admin/login/", {"username": EMAIL, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )
    return response.status_code


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_signs_in(staff_user: User, client: Client) -> None:
    assert sign_in(client, "the right password") == 302
    assert signed_in(client)


def test_five_wrong_passwords_lock_the_account_out_from_that_address(staff_user: User, client: Client) -> None:
    statuses = [sign_in(client, "wrong") for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(client, "the right password") == 429
    assert not signed_in(client)


def test_the_lockout_is_for_that_address_only(staff_user: User, client: Client) -> None:
    for _ in range(5):
        sign_in(client, "wrong")

    assert sign_in(client, "the right password", ip="198.51.100.7") == 302
    assert signed_in(client)


def test_behind_a_trusted_proxy_the_lockout_is_for_the_address_the_proxy_saw(
    staff_user: User, client: Client, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.5"
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": EMAIL, "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR="192.0.2.1",
        )

    colleague = client.post(
        "/admin/login/",
        {"username": EMAIL, "password": "the right password", "next": "/admin/"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert colleague.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "192.0.2.1"


def test_a_sign_in_without_a_client_address_is_still_counted(staff_user: User, client: Client) -> None:
    statuses = [
        client.post("/admin/login/", {"username": EMAIL, "password": "wrong"}, REMOTE_ADDR="").status_code
        for _ in range(5)
    ]

    assert statuses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().ip_address is None


def test_the_lockout_lifts_an_hour_after_the_last_attempt(staff_user: User, client: Client) -> None:
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        for _ in range(5):
            sign_in(client, "wrong")
        clock.shift(3599)
        assert sign_in(client, "the right password") == 429  # and the hour starts again

        clock.shift(3599)
        assert sign_in(client, "the right password") == 429

        clock.shift(3601)
        assert sign_in(client, "the right password") == 302


def test_a_successful_sign_in_clears_the_failures(staff_user: User, client: Client) -> None:
    for _ in range(4):
        sign_in(client, "wrong")
    sign_in(client, "the right password")
    client.logout()

    statuses = [sign_in(client, "wrong") for _ in range(4)]

    assert statuses == [200] * 4
    assert sign_in(client, "the right password") == 302
