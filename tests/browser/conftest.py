"""Browser tests of the back office: Playwright's sync API drives Debian's Chromium (/usr/bin/chromium, which
.ci/run installs with apt; no browser is ever downloaded) against pytest-django's live server, as staff use it.
Screenshots of the key pages are written to artefacts/screenshots/ (not committed).

While Playwright's sync API is started it keeps an asyncio loop running on the test thread, which Django's
guard against database access from async code would take for async code. DJANGO_ALLOW_ASYNC_UNSAFE is
therefore set for exactly as long as the browser runs: for this package's tests, never for the rest of the
suite. The browser is started once for the package (once per xdist worker that runs these tests)."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from ecf.roles import staff_user_save

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artefacts" / "screenshots"
PASSWORD = "Browser-test-password-7"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium against a live server (tests/browser)")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            "Browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium; .ci/run does it)."
        )
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Console errors that are not faults: an HTTP error status (each test asserts the statuses it expects), and
# ReDoc's sidebar logo, which it loads from Redocly's CDN and the policy rightly blocks (no third parties).
EXPECTED_CONSOLE_ERRORS = re.compile(
    r"^Failed to load resource: the server responded with a status of |^Loading the image 'https://cdn\.redoc\.ly/"
)


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (no cookies) on the live server. The test fails if the browser reports an
    error: a script error, or anything the Content-Security-Policy refused."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not EXPECTED_CONSOLE_ERRORS.search(message.text)
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Callable[[str], Path]:
    """`screenshot("finance-participant")` saves the whole page as artefacts/screenshots/<test>-<name>.png."""

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9]+', '-', request.node.name.lower()).strip('-')}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(page: Page) -> Callable[[str], None]:
    """`sign_in("finance")` creates a staff user with that role and signs in on the admin's sign-in page."""

    def as_role(role: str) -> None:
        email = f"{role}@example.com"
        staff_user_save(email=email, role=role, password=PASSWORD)
        page.goto("/admin/login/?next=/admin/")
        page.fill("#id_username", email)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")

    return as_role
