"""The language in the address (marketplace/language_urls.py): /en/ on the public pages, with
hreflang alternates in the pages and the sitemap; the address without a prefix unchanged."""

import re

import pytest
from defusedxml import ElementTree
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from localinfo import seo
from tests.factories import make_offer

SITE = "http://127.0.0.1:8000"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def browser(**headers) -> Client:
    return Client(HTTP_HOST="127.0.0.1", **headers)


def hreflangs(body: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body))


def canonical(body: str) -> str:
    [href] = re.findall(r'<link rel="canonical" href="([^"]+)">', body)
    return href


@pytest.fixture
def product(town):
    return make_offer(town["books"], price="12.50", on_hand=3, title="Oude Goudse kaas").product


def test_english_address_of_a_product_answers_in_english_with_both_alternates(product):
    url = product.get_absolute_url()
    dutch_reader = browser(HTTP_ACCEPT_LANGUAGE="nl")
    english = dutch_reader.get(f"/en{url}")
    body = english.content.decode()
    assert english.status_code == 200
    assert english["Content-Language"] == "en" and 'lang="en"' in body
    both = {"nl": f"{SITE}{url}", "en": f"{SITE}/en{url}", "x-default": f"{SITE}{url}"}
    assert hreflangs(body) == both
    assert canonical(body) == f"{SITE}/en{url}"

    dutch = dutch_reader.get(url).content.decode()
    assert 'lang="nl"' in dutch
    assert hreflangs(dutch) == both
    assert canonical(dutch) == f"{SITE}{url}"


def test_an_address_without_prefix_keeps_the_cookie_and_accept_language(product):
    url = product.get_absolute_url()
    by_cookie = browser(HTTP_ACCEPT_LANGUAGE="nl")
    by_cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = by_cookie.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and 'lang="en"' in body
    # Its links stay without a prefix, as before: only the alternates name /en/.
    assert 'href="/en/' not in body and 'action="/en/' not in body
    assert canonical(body) == f"{SITE}/en{url}"

    by_header = browser(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert 'lang="en"' in by_header
    assert 'lang="nl"' in browser().get(url).content.decode()


def test_the_language_switch_lands_on_the_same_page_in_that_language(product):
    url = product.get_absolute_url()
    person = browser(HTTP_ACCEPT_LANGUAGE="nl")
    to_english = person.post("/i18n/setlang/", {"language": "en", "next": url})
    assert to_english.status_code == 302 and to_english["Location"] == f"/en{url}"
    english = person.get(to_english["Location"]).content.decode()
    assert 'lang="en"' in english
    # The switch on the English page names the page; Dutch is the address without prefix.
    assert f'name="next" value="{url}"' in english
    to_dutch = person.post("/i18n/setlang/", {"language": "nl", "next": url})
    assert to_dutch["Location"] == url
    assert 'lang="nl"' in person.get(url).content.decode()

    search = person.post("/i18n/setlang/", {"language": "en", "next": "/search/?q=kaas"})
    assert search["Location"] == "/en/search/?q=kaas"
    work_area = person.post("/i18n/setlang/", {"language": "en", "next": "/basket/"})
    assert work_area["Location"] == "/basket/"
    assert person.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_sitemap_lists_both_languages_with_alternates(product, client):
    root = ElementTree.fromstring(client.get("/sitemap-products.xml").content)
    entries = {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }
    path = product.get_absolute_url()
    both = {"nl": f"{SITE}{path}", "en": f"{SITE}/en{path}", "x-default": f"{SITE}{path}"}
    assert entries == {f"{SITE}{path}": both, f"{SITE}/en{path}": both}

    events = ElementTree.fromstring(client.get("/sitemap-events.xml").content)
    locs = {loc.text for loc in events.iter(f"{SITEMAP}loc")}
    assert f"{SITE}/en/local/events/voorleesmiddag/" in locs
    assert f"{SITE}/local/events/voorleesmiddag/" in locs


def test_sitemap_pages_hold_each_address_once(town, client, monkeypatch):
    """Pages are read a slice at a time: every (item, language) once, in order."""
    offers = [make_offer(town["books"], title=f"Boek {n}") for n in range(3)]
    monkeypatch.setattr(seo.ProductSitemap, "limit", 4)
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    product_pages = [
        loc.text for loc in index.iter(f"{SITEMAP}loc") if "sitemap-products" in loc.text
    ]
    assert len(product_pages) == 2
    seen = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/sitemap-products.xml?p={page}")
        root = ElementTree.fromstring(response.content)
        seen += [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    # Page 2 holds addresses 5 and 6: the third product only, not every row.
    assert any("LIMIT 1 OFFSET 2" in query["sql"] for query in queries.captured_queries)
    expected = []
    for offer in sorted(offers, key=lambda o: o.product.pk):
        path = offer.product.get_absolute_url()
        expected += [f"{SITE}{path}", f"{SITE}/en{path}"]
    assert seen == expected


def test_public_pages_have_an_english_address(town, client):
    shop = town["books"]
    for path in (
        "/en/",
        "/en/catalogue/",
        "/en/shops/",
        f"/en/shops/{shop.slug}/",
        "/en/whats-on/",
        "/en/local/events/voorleesmiddag/",
        "/en/search/?q=kaas",
        "/en/legal/privacy/",
    ):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 200, path
        assert 'lang="en"' in response.content.decode(), path
    event = client.get("/en/local/events/voorleesmiddag/").content.decode()
    assert canonical(event) == f"{SITE}/en/local/events/voorleesmiddag/"
    assert client.get("/en")["Location"] == "/en/"
    assert client.get("/en/shops?kind=books")["Location"] == "/en/shops/?kind=books"


def test_work_areas_have_no_english_address(town, client):
    for path in (
        "/en/shop/",
        "/en/shop/local/",
        "/en/courier/",
        "/en/management/",
        "/en/management/legal/",
        "/en/shop/terms/",
        "/en/accounts/your-data/",
        "/en/dashboard/",
        "/en/admin/",
        "/en/api/local/shops/",
        "/en/accounts/login/",
        "/en/basket/",
        "/en/checkout/",
        "/en/payments/stripe/webhook/",
        "/en/sitemap.xml",
        "/en/robots.txt",
        "/en/i18n/setlang/",
        "/nl/shops/",  # Dutch is the address without a prefix
    ):
        assert client.get(path).status_code == 404, path
    # Their own pages carry no language alternates.
    assert hreflangs(client.get("/basket/").content.decode()) == {}
