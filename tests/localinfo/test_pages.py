"""Event pages (JSON-LD), what's on, the widget, open data, sitemap and robots."""

import csv
import io
import json
import re
from datetime import datetime, timedelta

import pytest
from defusedxml import ElementTree

from localinfo.models import Category, Channel, ChannelUse, Event, EventView, ReviewStatus
from tests.localinfo.conftest import AMSTERDAM

pytestmark = pytest.mark.django_db
HOSTILE = '</script><script>alert("x")</script> & <b>'


def json_ld(body: str) -> list:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return [json.loads(block) for block in blocks]


def test_event_page_carries_event_json_ld(town, client):
    page = client.get("/local/events/voorleesmiddag/")
    assert page.status_code == 200
    [data] = json_ld(page.content.decode())
    assert data["@type"] == "Event"
    assert data["name"] == "Voorleesmiddag voor kinderen"
    assert data["startDate"] == "2026-11-28T14:00:00+01:00"
    assert data["location"]["name"] == "Boekhandel Brink"
    assert data["organizer"]["name"] == "Boekhandel Brink"
    # Shown in English (the client asks for it): the English address is the canonical one.
    english = "http://127.0.0.1:8000/en/local/events/voorleesmiddag/"
    assert f'<link rel="canonical" href="{english}">' in page.content.decode()


def test_a_recurring_event_page_shows_the_next_time(town, client):
    page = client.get("/local/events/weekmarkt-brink/")
    [data] = json_ld(page.content.decode())
    assert data["startDate"] == "2026-11-28T08:00:00+01:00"
    assert "Every week until" in page.content.decode()


def test_hostile_title_stays_inside_the_json_ld(town, client):
    Event.objects.filter(slug="voorleesmiddag").update(title=HOSTILE, text=HOSTILE)
    body = client.get("/local/events/voorleesmiddag/").content.decode()
    assert "<script>alert" not in body
    [data] = json_ld(body)
    assert data["name"] == HOSTILE  # escaped for HTML, read back unchanged


def test_an_event_waiting_for_review_has_no_page(town, client):
    assert client.get("/local/events/modeshow-najaar/").status_code == 404


def test_event_views_are_counted_per_day(town, client):
    client.get("/local/events/stadswandeling/")
    client.get("/local/events/stadswandeling/")
    view = EventView.objects.get(event__slug="stadswandeling")
    assert (view.day, view.views) == (town["now"].date(), 2)


def test_whats_on_lists_today_weekend_open_shops_and_parking(town, client):
    page = client.get("/whats-on/")
    body = page.content.decode()
    today = section(body, "today-events")
    assert "Muziek op het plein" in today
    assert "Weekmarkt" not in today
    weekend = section(body, "weekend-events")
    assert weekend.index("Weekmarkt op de Brink") < weekend.index("Voorleesmiddag")
    assert "Stadswandeling" in weekend
    assert "Modeshow" not in body  # waits for review
    assert "Boekhandel Brink" in section(body, "open-shops")
    parking = section(body, "parking")
    assert "Parkeergarage Centrum" in parking and "Fietsenstalling Brink" in parking
    markers = json.loads(
        re.search(r'id="whats-on-markers" type="application/json">(.*?)</script>', body).group(1)
    )
    assert {marker["layer"] for marker in markers} == {"shop", "event", "parking"}


def section(body: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">(.*?)</ul>', body, re.S).group(1)


def test_widget_may_be_framed_by_other_sites_and_counts_its_partner(town, client):
    page = client.get("/local/widget/", {"show": "events", "partner": "vvv", "limit": "2"})
    assert page.status_code == 200
    assert "frame-ancestors *" in page["Content-Security-Policy"]
    assert "X-Frame-Options" not in page
    body = page.content.decode()
    assert body.count("<li>") == 2
    assert "Muziek op het plein" in body
    assert ChannelUse.objects.get(channel=Channel.WIDGET).partner_key == "vvv"
    # Every other page still refuses to be framed.
    other = client.get("/whats-on/")
    assert "frame-ancestors 'none'" in other["Content-Security-Policy"]


def test_widget_of_shops_open_now(town, client):
    body = client.get("/local/widget/", {"show": "shops"}).content.decode()
    assert "Boekhandel Brink" in body and "Mode aan de Brink" in body


def test_open_data_csv_neutralises_formulas(town, client):
    Category.objects.filter(slug="markt").update(name="Markt")
    Event.objects.filter(slug="voorleesmiddag").update(title='=HYPERLINK("http://x")')
    response = client.get("/local/open-data/events.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'rel="license"' in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    titles = {row["title"] for row in rows}
    assert '\'=HYPERLINK("http://x")' in titles
    shops = list(
        csv.DictReader(io.StringIO(client.get("/local/open-data/shops.csv").content.decode()))
    )
    assert {row["name"] for row in shops} == {"Boekhandel Brink", "Mode aan de Brink"}
    assert shops[0]["opening_hours"].startswith("Mo 09:00-18:00; Tu 09:00-18:00")


def test_open_data_geojson_is_points_with_the_licence(town, client):
    data = json.loads(client.get("/local/open-data/places.geojson").content)
    assert data["type"] == "FeatureCollection"
    assert data["license"] == "CC BY 4.0"
    assert len(data["features"]) == 9
    garage = next(f for f in data["features"] if f["properties"]["id"] == "parkeergarage-centrum")
    longitude, latitude = garage["geometry"]["coordinates"]
    assert 52.24 < latitude < 52.26 and 6.15 < longitude < 6.17
    assert client.get("/local/open-data/orders.csv").status_code == 404


def test_open_data_page_names_the_licence(town, client):
    body = client.get("/local/open-data/").content.decode()
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0' in body


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_index_and_sections(town, client):
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    sections = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert {s.rsplit("/", 1)[-1] for s in sections} >= {
        "sitemap-shops.xml",
        "sitemap-products.xml",
        "sitemap-categories.xml",
        "sitemap-events.xml",
    }
    events = ElementTree.fromstring(client.get("/sitemap-events.xml").content)
    urls = {loc.text for loc in events.iter(f"{SITEMAP}loc")}
    assert "http://127.0.0.1:8000/local/events/voorleesmiddag/" in urls
    assert not any("modeshow" in url for url in urls)
    shops = ElementTree.fromstring(client.get("/sitemap-shops.xml").content)
    assert len(list(shops.iter(f"{SITEMAP}url"))) == 2 * 2  # each in Dutch and English


def test_robots_points_at_the_sitemap_and_keeps_work_areas_out(client):
    text = client.get("/robots.txt").content.decode()
    assert text.startswith("User-agent: *\n")
    assert "Disallow: /checkout/\n" in text and "Disallow: /shop/\n" in text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "Disallow: /shops/" not in text


def test_an_event_over_says_so(town, client, monkeypatch):
    from tests.conftest import set_clock

    set_clock(monkeypatch, datetime(2026, 11, 29, 20, 0, tzinfo=AMSTERDAM) + timedelta(days=1))
    body = client.get("/local/events/voorstelling-schouwburg/").content.decode()
    assert "This event is over." in body
    assert Event.objects.get(slug="voorstelling-schouwburg").status == ReviewStatus.APPROVED


def test_product_page_json_ld_lists_every_shops_offer(town, client):
    from decimal import Decimal

    from tests.factories import StockRecord, make_offer

    offer = make_offer(town["books"], price="12.50", on_hand=3, title=HOSTILE)
    product = offer.product
    product.upc = "9789012345672"
    product.save()
    StockRecord.objects.create(
        product=product,
        partner=town["fashion"].partner,
        partner_sku="x-1",
        price=Decimal("11.00"),
        num_in_stock=0,
        num_allocated=0,
    )
    body = client.get(product.get_absolute_url()).content.decode()
    assert "<script>alert" not in body
    [data] = [block for block in json_ld(body) if block["@type"] == "Product"]
    assert data["name"] == HOSTILE
    assert data["gtin13"] == "9789012345672"
    assert data["offers"]["lowPrice"] == "11.00" and data["offers"]["highPrice"] == "12.50"
    sellers = {
        o["seller"]["name"]: (o["price"], o["availability"]) for o in data["offers"]["offers"]
    }
    assert sellers == {
        "Mode aan de Brink": ("11.00", "https://schema.org/OutOfStock"),
        "Boekhandel Brink": ("12.50", "https://schema.org/InStock"),
    }
    # The page is shown in English (the client asks for it): the English address.
    canonical = (
        f'<link rel="canonical" href="http://127.0.0.1:8000/en{product.get_absolute_url()}">'
    )
    assert canonical in body
