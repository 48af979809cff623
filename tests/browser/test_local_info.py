"""Issue 20 in a browser: the what's-on page with its map, and the widget embedded in a
partner's page served from another local origin."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import expect

from localinfo.demo import seed_local_info
from marketplace.storefront.shop_facts import forget_latest
from tests.browser.conftest import SCREENSHOTS, shot
from tests.conftest import set_clock
from tests.factories import ShopFactory
from tests.localinfo.conftest import THURSDAY_LUNCH

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def town(monkeypatch):
    set_clock(monkeypatch, THURSDAY_LUNCH, ticking=True)
    cache.clear()
    forget_latest()
    ShopFactory(kind="books", partner__name="Boekhandel Brink")
    seed_local_info(
        today=THURSDAY_LUNCH.date(),
        centre=(settings.TOWN_CENTRE_LATITUDE, settings.TOWN_CENTRE_LONGITUDE),
        town=settings.TOWN_NAME,
    )


def test_whats_on_shows_today_the_weekend_and_one_map(live_server, page, town):
    page.goto(f"{live_server.url}/whats-on/")
    expect(page.locator("#today-events")).to_contain_text("Muziek op het plein")
    expect(page.locator("#weekend-events")).to_contain_text("Weekmarkt op de Brink")
    expect(page.locator("#open-shops")).to_contain_text("Boekhandel Brink")
    expect(page.locator("#parking")).to_contain_text("Parkeergarage Centrum")
    # The map draws without a tile server: circle markers for every layer.
    expect(page.locator(".whats-on-map.leaflet-container")).to_be_visible()
    expect(page.locator("path.whats-on-shop")).to_have_count(1)
    expect(page.locator("path.whats-on-parking")).to_have_count(4)
    expect(page.locator("path.whats-on-event")).not_to_have_count(0)
    shot(page, "whats-on")
    page.locator("path.whats-on-shop").click(force=True)
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Boekhandel Brink")
    page.locator("#weekend-events").get_by_role("link", name="Voorleesmiddag voor kinderen").click()
    expect(page.locator("h1")).to_have_text("Voorleesmiddag voor kinderen")
    shot(page, "event-page")


class PartnerPage(BaseHTTPRequestHandler):
    """A partner's web page on another origin that pastes the widget's script tag."""

    marketplace = ""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = (
            "<!DOCTYPE html><html><head><title>VVV</title></head><body><h1>Uitagenda</h1>"
            f'<script src="{self.marketplace}/static/localinfo/embed.js" data-stadsmarkt-widget'
            ' data-show="events" data-partner="vvv" data-title="Agenda"></script>'
            "</body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def partner_site(live_server):
    handler = type("Handler", (PartnerPage,), {"marketplace": live_server.url})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_widget_shows_in_a_partner_page_from_another_origin(
    live_server, browser, town, partner_site
):
    allowed = {urlsplit(live_server.url).netloc, urlsplit(partner_site).netloc}
    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(10_000)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if urlsplit(route.request.url).netloc in allowed else route.abort()
        ),
    )
    try:
        page = context.new_page()
        page.goto(partner_site)
        expect(page.locator("h1")).to_have_text("Uitagenda")
        widget = page.frame_locator("iframe[title=Agenda]")
        expect(widget.locator(".local-widget-list")).to_contain_text("Muziek op het plein")
        expect(widget.locator(".local-widget-list")).to_contain_text("Weekmarkt op de Brink")
        link = widget.get_by_role("link", name="Muziek op het plein")
        expect(link).to_have_attribute("target", "_blank")
        page.screenshot(path=str(shot_path(page)), full_page=True)
    finally:
        context.close()


def shot_path(page):
    """The partner page is not the `page` fixture's, so its screenshot is named here."""
    directory = SCREENSHOTS / "test_the_widget_shows_in_a_partner_page_from_another_origin"
    directory.mkdir(parents=True, exist_ok=True)
    return directory / "01-partner-page.png"


def test_api_docs_render_under_the_strict_policy(live_server, page):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui")).to_be_visible()
    expect(page.get_by_text("/api/local/availability/")).to_be_visible()
    shot(page, "api-docs")
    assert refused == []
