"""Issue 15: a strict Content-Security-Policy and a Permissions-Policy on every response
(marketplace/security_headers.py). Each area's pages are fetched and parsed: every inline
script carries the response's nonce, and Oscar's dashboard loads nothing from another site.
The browser test (tests/browser/test_csp_browser.py) checks that nothing is blocked."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

from marketplace.security_headers import content_security_policy, origin_of
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner
from tests.logistics.test_courier_app import world  # noqa: F401 (fixture used by name)
from tests.ops.test_settings import run

pytestmark = pytest.mark.django_db

ProductCategory = get_model("catalogue", "ProductCategory")
DATA_SCRIPT_TYPES = ("application/json", "application/ld+json")


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts: list[dict] = []
        self.urls: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.handlers += [name for name in attributes if name.startswith("on")]
        if tag == "script" and "src" not in attributes:
            self.inline_scripts.append(attributes)
        if tag == "script" and "src" in attributes:
            self.urls.append(attributes["src"])
        if tag == "link" and attributes.get("rel") in ("stylesheet", "icon", "shortcut icon"):
            self.urls.append(attributes["href"])
        if tag == "img" and "src" in attributes:
            self.urls.append(attributes["src"])


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(response, where: str) -> dict[str, list[str]]:
    policy = directives(response)
    assert policy["default-src"] == ["'self'"], where
    assert "'unsafe-inline'" not in policy["script-src"], where
    assert "'unsafe-eval'" not in policy["script-src"], where
    assert policy["connect-src"] == ["'self'"], where
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["object-src"] == ["'none'"], where
    assert policy["form-action"] == ["'self'", "https://checkout.stripe.com"], where
    permissions = response["Permissions-Policy"]
    for rule in ("camera=(self)", "geolocation=(self)", "microphone=()", "payment=()"):
        assert rule in permissions, f"{where}: {permissions}"
    return policy


def assert_scripts_carry_the_nonce(response, where: str) -> Assets:
    policy = assert_strict(response, where)
    nonces = [v.removeprefix("'nonce-").rstrip("'") for v in policy["script-src"] if "nonce" in v]
    assets = Assets()
    assets.feed(response.content.decode())
    executable = [
        script for script in assets.inline_scripts if script.get("type") not in DATA_SCRIPT_TYPES
    ]
    for script in executable:
        assert script.get("nonce") in nonces, f"{where}: an inline script without the nonce"
    assert not assets.handlers, f"{where}: inline event handlers {assets.handlers}"
    return assets


@pytest.fixture
def offer():
    record = make_offer(ShopFactory(), title="Stadsgids")
    ProductCategory.objects.create(
        product=record.product, category=create_from_breadcrumbs("Boeken")
    )
    return record


def test_the_storefront_sends_the_policy_and_nonces_its_inline_scripts(client, offer):
    for url in ("/", offer.product.get_absolute_url(), "/shops/", "/basket/", "/search/?q=gids"):
        response = client.get(url)
        assert response.status_code == 200, url
        assets = assert_scripts_carry_the_nonce(response, url)
        assert all(not re.match(r"^(https?:)?//", u) for u in assets.urls), (url, assets.urls)


def test_oscars_dashboard_loads_nothing_from_another_site(client, offer):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        "/dashboard/",
        "/dashboard/catalogue/",
        f"/dashboard/catalogue/products/{offer.product_id}/",
        "/dashboard/orders/",
        # Oscar's own forms with a "cancel" link (once an inline onclick).
        reverse("dashboard:catalogue-class-create"),
        reverse("dashboard:catalogue-option-create"),
        reverse("dashboard:catalogue-attribute-option-group-create"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assets = assert_scripts_carry_the_nonce(response, url)
        assert assets.urls, url
        outside = [u for u in assets.urls if re.match(r"^(https?:)?//", u)]
        assert outside == [], f"{url} loads {outside}"
        assert any("vendor/jquery/jquery.min.js" in u for u in assets.urls), url


def test_the_shop_area_and_the_courier_app_send_the_policy(world):  # noqa: F811
    assert_scripts_carry_the_nonce(world["client"].get("/courier/"), "/courier/")
    owner = world["client"]
    owner.force_login(make_owner(world["shop"]))
    for url in ("/shop/", "/shop/stock/", "/shop/orders/"):
        response = owner.get(url)
        assert response.status_code == 200, url
        assert_scripts_carry_the_nonce(response, url)


def test_the_api_and_error_pages_send_the_policy(client):
    assert_strict(client.get("/api/pos/stock/"), "API without a token")
    assert_strict(client.post("/api/pos/stock/", {}, content_type="application/json"), "API")
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert_scripts_carry_the_nonce(not_found, "404 page")
    client.force_login(UserFactory())
    forbidden = client.get("/dashboard/")
    assert forbidden.status_code in (302, 403)
    assert_strict(forbidden, "dashboard refused")


def test_images_may_come_from_the_tile_server_and_an_outside_media_host():
    policy = content_security_policy(
        map_tile_url="https://{s}.tile.example.org/{z}/{x}/{y}.png",
        media_url="https://media.markt.example/media/",
    )["DIRECTIVES"]
    assert policy["img-src"] == [
        "'self'",
        "data:",
        "https://*.tile.example.org",
        "https://media.markt.example",
    ]
    assert origin_of("/tiles/{z}/{x}/{y}.png") is None  # on our own site: 'self' covers it


def test_production_settings_send_both_headers():
    probe = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/api/pos/stock/', secure=True); "
        "print(json.dumps({'csp': r.get('Content-Security-Policy', ''), "
        "'permissions': r.get('Permissions-Policy', ''), 'frame': r.get('X-Frame-Options')}))"
    )
    result = run(
        probe,
        "marketplace.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert "script-src 'self'" in headers["csp"] and "frame-ancestors 'none'" in headers["csp"]
    assert "'unsafe-inline'" not in headers["csp"].split("script-src")[1].split(";")[0]
    assert "camera=(self)" in headers["permissions"]
    assert headers["frame"] == "DENY"
