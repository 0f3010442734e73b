import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api.models import ApiToken
from api.tokens import PREFIX_LENGTH, api_token_authenticate, token_digest
from ecf.models import LeadProvider

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def capita() -> LeadProvider:
    return LeadProvider.objects.create(name="Capita")


def test_create_api_token_prints_the_token_alone_on_the_last_line(capita):
    output = run("create_api_token", "--lead-provider", "capita", "--description", "their system")
    plaintext = output.strip().splitlines()[-1]
    assert plaintext.startswith("ecfp_")
    assert " " not in plaintext
    token = ApiToken.objects.get()
    assert token.token_hash == token_digest(plaintext)
    assert token.description == "their system"
    authenticated = api_token_authenticate(plaintext)
    assert authenticated is not None
    assert authenticated.lead_provider == capita


def test_create_api_token_for_an_unknown_provider_names_the_known_ones(capita):
    with pytest.raises(CommandError, match="Known providers: Capita"):
        run("create_api_token", "--lead-provider", "Nobody")
    assert not ApiToken.objects.exists()


def test_revoke_api_token_by_prefix(capita):
    plaintext = run("create_api_token", "--lead-provider", "Capita").strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert "Revoked" in run("revoke_api_token", token.prefix)
    assert api_token_authenticate(plaintext) is None
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_api_token_by_id_and_unknown(capita):
    run("create_api_token", "--lead-provider", "Capita")
    token = ApiToken.objects.get()
    run("revoke_api_token", str(token.id))
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(CommandError, match="No token"):
        run("revoke_api_token", "ecfp_unknown")


def test_list_api_tokens_shows_prefixes_never_secrets(capita):
    plaintext = run("create_api_token", "--lead-provider", "Capita", "--description", "live").strip().splitlines()[-1]
    api_token_authenticate(plaintext)
    listing = run("list_api_tokens")
    token = ApiToken.objects.get()
    assert token.prefix in listing
    assert plaintext not in listing
    assert "never" not in listing.splitlines()[1]  # last used is shown once the token was used
    run("revoke_api_token", token.prefix)
    assert token.prefix not in run("list_api_tokens")
    assert "revoked" in run("list_api_tokens", "--all")


def _printed_tokens(output: str) -> dict[str, str]:
    """Provider name -> token, from the command's indented lines."""
    return {line.rsplit(maxsplit=1)[0].strip(): line.split()[-1] for line in output.splitlines() if line[:2] == "  "}


def test_issue_development_tokens_prints_the_same_working_tokens_on_every_run(capita, settings, tmp_path):
    settings.DEBUG = True
    LeadProvider.objects.create(name="Teach First")
    file = tmp_path / "tokens.json"

    first = _printed_tokens(run("issue_development_tokens", "--file", str(file)))
    second = _printed_tokens(run("issue_development_tokens", "--file", str(file)))

    assert set(first) == {"Capita", "Teach First"}
    assert second == first
    for name, plaintext in second.items():
        token = api_token_authenticate(plaintext)
        assert token is not None
        assert token.lead_provider.name == name
    assert ApiToken.objects.count() == 2, "no token was issued or revoked on the second run"
    assert file.stat().st_mode & 0o777 == 0o600, "readable by its owner only"
    assert json.loads(file.read_text()) == first


def test_issue_development_tokens_replaces_only_a_revoked_or_missing_token(capita, settings, tmp_path):
    settings.DEBUG = True
    teach_first = LeadProvider.objects.create(name="Teach First")
    file = tmp_path / "tokens.json"
    first = _printed_tokens(run("issue_development_tokens", "--file", str(file)))
    run("revoke_api_token", first["Capita"][:PREFIX_LENGTH])
    LeadProvider.objects.create(name="Ambition Institute")

    second = _printed_tokens(run("issue_development_tokens", "--file", str(file)))

    assert second["Teach First"] == first["Teach First"]
    assert second["Capita"] != first["Capita"]
    assert api_token_authenticate(first["Capita"]) is None
    for name, provider in (("Capita", capita), ("Teach First", teach_first)):
        token = api_token_authenticate(second[name])
        assert token is not None
        assert token.lead_provider == provider
    assert api_token_authenticate(second["Ambition Institute"]) is not None


def test_issue_development_tokens_revokes_a_development_token_whose_plaintext_was_lost(capita, settings, tmp_path):
    settings.DEBUG = True
    file = tmp_path / "tokens.json"
    lost = _printed_tokens(run("issue_development_tokens", "--file", str(file)))["Capita"]
    file.unlink()

    fresh = _printed_tokens(run("issue_development_tokens", "--file", str(file)))["Capita"]

    assert fresh != lost
    assert api_token_authenticate(lost) is None
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_issue_development_tokens_refuses_without_debug(capita, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        run("issue_development_tokens", "--file", "unused.json")


def test_revoke_api_token_with_the_start_of_several_prefixes_is_ambiguous(capita):
    teach_first = LeadProvider.objects.create(name="Teach First")
    for provider in ("Capita", "Capita", "Teach First"):
        run("create_api_token", "--lead-provider", provider)

    with pytest.raises(CommandError) as refused:
        run("revoke_api_token", "ecfp_")

    message = str(refused.value)
    assert message.startswith("'ecfp_' is ambiguous: it starts the prefix of 3 token(s):")
    for token in ApiToken.objects.select_related("lead_provider"):
        assert f"{token.prefix} ({token.lead_provider.name})" in message
    assert teach_first.api_tokens.count() == 1
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
