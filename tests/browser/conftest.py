"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live_server.

Chromium comes from the system (CHROMIUM_PATH; by default Debian's
chromium-headless-shell, else chromium), not from `playwright install`. The headless shell is
the same Blink as the full browser without its window machinery, which is what Playwright
itself runs headless: about a third less CPU per page here. Missing, it skips the tests
locally and fails them in CI, where .ci/run installs it. live_server serves static files
through Django's StaticFilesHandler (django.contrib.staticfiles is installed), so
/static/vendor/leaflet/ loads without collectstatic.

Each test's screenshots go to artifacts/screenshots/<test name>/NN-step.png (see `shot`).
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import IN_CI

# Playwright's sync API keeps an asyncio loop in this thread for the whole session, and
# Django then refuses ORM calls "from an async context". The test bodies are plain
# synchronous code, so the check is a false alarm here. Set at import: once tests/browser is
# collected it holds for the whole session, because the browser outlives the module.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
FACTORY_PASSWORD = "secret-pass-1"  # noqa: S105 - tests.factories.UserFactory's
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
UNSAFE = re.compile(r"[^\w.-]+")
_shots: dict[int, list] = {}  # id(page) -> [directory, steps taken]


def missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


def default_chromium() -> str:
    found = (shutil.which(name) for name in ("chromium-headless-shell", "chromium"))
    return next((path for path in found if path), "/usr/bin/chromium-headless-shell")


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH") or default_chromium()
    if not (Path(executable).is_file() or shutil.which(executable)):
        missing(
            f"Chromium not found at {executable}; set CHROMIUM_PATH or install "
            "chromium-headless-shell"
        )
    from playwright.sync_api import Error, sync_playwright

    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )
        except Error as error:
            missing(f"Chromium at {executable} did not start: {error}")
        yield browser
        browser.close()
    finally:
        playwright.stop()


def new_context(browser, live_server):
    """A phone-sized Dutch browser context that reaches only the live server (no tiles, no
    CDNs)."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    context.set_default_timeout(10_000)
    own = urlsplit(live_server.url).netloc

    def only_live_server(route):
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_live_server)
    return context


def screenshots_of(request) -> list:
    directory = SCREENSHOTS / UNSAFE.sub("_", request.node.name)
    shutil.rmtree(directory, ignore_errors=True)
    return [directory, 0]


@pytest.fixture
def page(live_server, browser, request):
    """A phone-sized Dutch page.

    live_server comes first so that, at the end of the session, Chromium closes its
    keep-alive connections before the server thread stops.
    """
    context = new_context(browser, live_server)
    page = context.new_page()
    _shots[id(page)] = screenshots_of(request)
    try:
        yield page
    finally:
        _shots.pop(id(page), None)
        context.close()


@pytest.fixture
def person(live_server, browser, request):
    """Signs people in, each in a browser of their own: `person(user, next_url)` returns
    their page after the real login form. Screenshots of all of them are numbered as one
    sequence, so the test's steps read in order."""
    contexts, sequence = [], screenshots_of(request)

    def signed_in(user, next_url="/", password=FACTORY_PASSWORD):
        context = new_context(browser, live_server)
        contexts.append(context)
        page = context.new_page()
        _shots[id(page)] = sequence
        page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
        page.fill("#id_login-username", user.email)
        page.fill("#id_login-password", password)
        with page.expect_navigation():
            page.click("button[name=login_submit]")
        return page

    try:
        yield signed_in
    finally:
        for context in contexts:
            for page in context.pages:
                _shots.pop(id(page), None)
            context.close()


def shot(page, name: str) -> Path:
    """Saves a full-page screenshot as the test's next numbered step and returns its path."""
    entry = _shots[id(page)]
    entry[1] += 1
    path = entry[0] / f"{entry[1]:02d}-{UNSAFE.sub('-', name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
