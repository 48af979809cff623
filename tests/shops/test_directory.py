"""The public shop directory and shop pages: filters, open state, map data, JSON-LD, queries."""

import json
import re
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders

from shops.models import OpeningHours, OpeningHoursException, ShopKind, ShopStatus
from tests.conftest import set_clock
from tests.factories import ShopFactory, make_offer

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
THURSDAY_LUNCH = datetime(2026, 11, 26, 12, 45, tzinfo=AMSTERDAM)
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images/marker-icon.png", "LICENSE")


@pytest.fixture
def at(monkeypatch):
    """Fixes the clock: at(datetime) makes that moment "now", standing still, for the
    views and for every row the test makes."""

    def fix(moment: datetime):
        set_clock(monkeypatch, moment)

    fix(THURSDAY_LUNCH)
    return fix


def lunch_break_shop(**kwargs):
    """Thursday with a lunch break, Saturday; closed on other days."""
    shop = ShopFactory(open_every_day=False, **kwargs)
    OpeningHours.objects.bulk_create(
        OpeningHours(shop=shop, weekday=weekday, opens=opens, closes=closes)
        for weekday, opens, closes in [
            (3, time(9, 30), time(12, 30)),
            (3, time(13, 30), time(21)),
            (5, time(10), time(17)),
        ]
    )
    return shop


def embedded_json(body: str, element_id: str):
    """What json_script embedded under element_id."""
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', body)
    assert found, f"no {element_id} in the page"
    return json.loads(found.group(1))


def json_ld(body: str) -> list:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return [json.loads(block) for block in blocks]


def names(response) -> list[str]:
    return [shop.name for shop in response.context["shops"]]


# --- The directory ---


def test_filter_by_kind(client, at):
    ShopFactory(partner__name="Boekhandel", kind=ShopKind.BOOKS)
    ShopFactory(partner__name="Bloemist", kind=ShopKind.FLOWERS)
    response = client.get("/shops/", {"kind": "flowers"})
    assert response.status_code == 200
    assert names(response) == ["Bloemist"]
    assert sorted(names(client.get("/shops/"))) == ["Bloemist", "Boekhandel"]


def test_an_unknown_kind_filters_nothing_and_says_why(client, at):
    ShopFactory(partner__name="Boekhandel")
    response = client.get("/shops/", {"kind": "casino"})
    assert response.status_code == 200
    assert names(response) == ["Boekhandel"]
    assert response.context["form"].errors["kind"]


def test_open_now_at_a_fixed_time(client, at):
    ShopFactory(partner__name="Altijd open")  # 09:00-18:00 every day
    lunch_break_shop(partner__name="Lunchpauze")
    at(datetime(2026, 11, 26, 10, 0, tzinfo=AMSTERDAM))
    assert sorted(names(client.get("/shops/", {"open_now": "1"}))) == ["Altijd open", "Lunchpauze"]
    at(THURSDAY_LUNCH)
    response = client.get("/shops/", {"open_now": "1"})
    assert names(response) == ["Altijd open"]
    body = response.content.decode()
    assert "Open now until 18:00" in body
    at(datetime(2026, 11, 26, 19, 0, tzinfo=AMSTERDAM))
    assert names(client.get("/shops/", {"open_now": "1", "kind": "books"})) == ["Lunchpauze"]


def test_open_now_follows_exceptions(client, at):
    shop = ShopFactory(partner__name="Kerst dicht")
    OpeningHoursException.objects.create(shop=shop, date=THURSDAY_LUNCH.date(), closed=True)
    assert names(client.get("/shops/", {"open_now": "1"})) == []
    body = client.get("/shops/").content.decode()
    assert "Closed now" in body


def test_list_items_show_name_kind_address_status_and_link(client, at):
    shop = lunch_break_shop(partner__name="Lunchpauze", kind=ShopKind.CHEESE)
    at(datetime(2026, 11, 26, 14, 0, tzinfo=AMSTERDAM))
    body = client.get("/shops/").content.decode()
    assert f'href="{shop.get_absolute_url()}"' in body
    assert "Cheese" in body
    assert "Brink 10, 7411 BR Deventer" in body
    assert "Open now until 21:00" in body


def test_filter_form_is_labelled_and_works_without_javascript(client, at):
    body = client.get("/shops/").content.decode()
    form = re.search(r'<form method="get" action="/shops/".*?</form>', body, re.S).group(0)
    assert '<label for="id_kind">' in form
    assert 'name="open_now"' in form and 'value="1"' in form
    assert '<label class="custom-control-label" for="id_open_now">' in form
    assert 'type="submit"' in form


def test_paused_shops_are_absent_from_list_and_map(client, at):
    active = ShopFactory(partner__name="Actief", latitude=Decimal("52.250000"))
    paused = ShopFactory(
        partner__name="Gepauzeerd", status=ShopStatus.PAUSED, latitude=Decimal("52.260000")
    )
    response = client.get("/shops/")
    body = response.content.decode()
    assert names(response) == ["Actief"]
    assert paused.name not in body and paused.get_absolute_url() not in body
    markers = embedded_json(body, "shops-map-markers")
    assert [marker["name"] for marker in markers] == [active.name]


def test_map_data_has_exactly_the_active_shops_coordinates(client, at):
    coordinates = {(52.2551, 6.1599), (52.2571, 6.1622), (52.249, 6.15)}
    for lat, lng in coordinates:
        ShopFactory(latitude=Decimal(str(lat)), longitude=Decimal(str(lng)))
    ShopFactory(status=ShopStatus.CLOSED, latitude=Decimal("52.3"), longitude=Decimal("6.2"))
    ShopFactory(status=ShopStatus.APPLIED, latitude=Decimal("52.4"), longitude=Decimal("6.3"))
    markers = embedded_json(client.get("/shops/").content.decode(), "shops-map-markers")
    assert {(marker["lat"], marker["lng"]) for marker in markers} == coordinates
    assert len(markers) == len(coordinates)
    assert all(marker["url"].startswith("/shops/") for marker in markers)
    assert {marker["status"] for marker in markers} == {"Open now until 18:00"}


def test_shop_names_cannot_break_out_of_the_embedded_data(client, at):
    ShopFactory(partner__name="</script><script>alert(1)</script>")
    body = client.get("/shops/").content.decode()
    assert "<script>alert(1)" not in body
    markers = embedded_json(body, "shops-map-markers")
    assert markers[0]["name"] == "</script><script>alert(1)</script>"


def test_tiles_only_when_configured(client, at, settings):
    ShopFactory()
    settings.MAP_TILE_URL = ""
    config = embedded_json(client.get("/shops/").content.decode(), "shops-map-config")
    assert config["tileUrl"] == ""
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© OpenStreetMap"
    config = embedded_json(client.get("/shops/").content.decode(), "shops-map-config")
    assert config["tileUrl"] == "/tiles/{z}/{x}/{y}.png"
    assert config["attribution"] == "© OpenStreetMap"


@pytest.mark.parametrize("url", ["/shops/", "shop-page"])
def test_leaflet_is_served_locally_and_nothing_from_a_cdn(client, at, url):
    shop = ShopFactory()
    body = client.get(shop.get_absolute_url() if url == "shop-page" else url).content.decode()
    assert '<script src="/static/vendor/leaflet/leaflet.js">' in body
    assert '<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">' in body
    assert '<script src="/static/shops/map.js">' in body
    # The page's own addresses (hreflang, canonical) are named in full, not loaded.
    loaded = re.sub(r'<link rel="(?:alternate|canonical)"[^>]*>', "", body)
    assert not re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", loaded), "no CDN"
    for name in LEAFLET_FILES:
        assert finders.find(f"vendor/leaflet/{name}"), name
    assert finders.find("shops/map.js")


@pytest.mark.parametrize("url", ["/shops/", "/shops/?open_now=1&kind=books"])
def test_directory_queries_do_not_grow_with_the_number_of_shops(
    client, at, django_assert_max_num_queries, url
):
    ShopFactory.create_batch(5)
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    for shop in ShopFactory.create_batch(15):
        OpeningHoursException.objects.create(shop=shop, date=THURSDAY_LUNCH.date(), closed=True)
    with django_assert_max_num_queries(10) as many:
        response = client.get(url)
    assert len(response.context["shops"]) == (5 if "open_now" in url else 20)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- A shop's page ---


def test_shop_page_says_when_it_opens_next(client, at):
    shop = lunch_break_shop()
    cases = [
        (THURSDAY_LUNCH, "Closed now, opens today at 13:30"),
        (datetime(2026, 11, 26, 14, 0, tzinfo=AMSTERDAM), "Open now, closes at 21:00"),
        (datetime(2026, 11, 26, 21, 30, tzinfo=AMSTERDAM), "Closed now, opens Saturday at 10:00"),
        (datetime(2026, 11, 27, 9, 0, tzinfo=AMSTERDAM), "Closed now, opens tomorrow at 10:00"),
    ]
    for moment, text in cases:
        at(moment)
        response = client.get(shop.get_absolute_url())
        assert response.context["status_text"] == text
        assert text in response.content.decode()


def test_shop_page_next_opening_in_dutch(client, at):
    shop = lunch_break_shop()
    at(datetime(2026, 11, 26, 21, 30, tzinfo=AMSTERDAM))
    body = client.get(shop.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "zaterdag" in body and "donderdag" in body


def test_shop_page_shows_the_week_today_exception_and_upcoming_holidays(client, at):
    shop = lunch_break_shop(pickup_instructions="Bel aan bij de zijdeur.")
    make_offer(shop, title="Boerenkaas")
    OpeningHoursException.objects.create(
        shop=shop, date=date(2026, 11, 26), closed=True, reason="Inventarisatie"
    )
    OpeningHoursException.objects.create(
        shop=shop, date=date(2026, 12, 24), closed=True, reason="Kerstavond"
    )
    OpeningHoursException.objects.create(
        shop=shop, date=date(2027, 2, 1), closed=True, reason="Te ver weg"
    )
    response = client.get(shop.get_absolute_url())
    body = response.content.decode()
    assert response.context["status_text"] == "Closed now, opens Saturday at 10:00"
    assert "Closed all day today (Inventarisatie)" in body
    assert "Thursday 24 December: closed (Kerstavond)" in body
    assert "Te ver weg" not in body
    assert "09:30–12:30, 13:30–21:00" in body
    assert "Bel aan bij de zijdeur." in body
    assert "Boerenkaas" in body
    assert [row.label for row in response.context["week_rows"]][0] == "Monday"
    markers = embedded_json(body, "shops-map-markers")
    assert [(m["lat"], m["lng"]) for m in markers] == [(52.2551, 6.1599)]


def test_json_ld_of_a_shop_with_a_lunch_break_and_a_holiday(client, at):
    shop = lunch_break_shop(
        partner__name="Kaashuis Brink", kind=ShopKind.CHEESE, phone="+31 570 123 456"
    )
    OpeningHoursException.objects.create(
        shop=shop, date=date(2026, 12, 24), closed=True, reason="Kerstavond"
    )
    OpeningHoursException.objects.create(
        shop=shop,
        date=date(2026, 12, 20),
        closed=False,
        opens=time(12),
        closes=time(17),
        reason="Koopzondag",
    )
    OpeningHoursException.objects.create(shop=shop, date=date(2026, 11, 20), closed=True)
    OpeningHoursException.objects.create(shop=shop, date=date(2027, 1, 1), closed=True)
    at(datetime(2026, 12, 1, 10, 0, tzinfo=AMSTERDAM))
    body = client.get(shop.get_absolute_url()).content.decode()

    def period(day, opens, closes):
        return {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{day}",
            "opens": opens,
            "closes": closes,
        }

    def special(day, opens, closes):
        return {
            "@type": "OpeningHoursSpecification",
            "opens": opens,
            "closes": closes,
            "validFrom": day,
            "validThrough": day,
        }

    assert json_ld(body) == [
        {
            "@context": "https://schema.org",
            "@type": "Store",
            "name": "Kaashuis Brink",
            "url": f"http://127.0.0.1{shop.get_absolute_url()}",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "Brink 10",
                "postalCode": "7411 BR",
                "addressLocality": "Deventer",
                "addressCountry": "NL",
            },
            "geo": {"@type": "GeoCoordinates", "latitude": 52.2551, "longitude": 6.1599},
            "telephone": "+31 570 123 456",
            "openingHoursSpecification": [
                period("Thursday", "09:30", "12:30"),
                period("Thursday", "13:30", "21:00"),
                period("Saturday", "10:00", "17:00"),
            ],
            "specialOpeningHoursSpecification": [
                special("2026-12-20", "12:00", "17:00"),
                special("2026-12-24", "00:00", "00:00"),
            ],
        }
    ]


def test_json_ld_without_phone_or_exceptions_leaves_them_out(client, at):
    shop = ShopFactory(kind=ShopKind.BOOKS)
    (data,) = json_ld(client.get(shop.get_absolute_url()).content.decode())
    assert data["@type"] == "BookStore"
    assert "telephone" not in data and "specialOpeningHoursSpecification" not in data
    assert len(data["openingHoursSpecification"]) == 7
    for key in ("name", "url", "address", "geo"):
        assert data[key]


def test_shop_page_queries_are_bounded(client, at, django_assert_max_num_queries):
    shop = lunch_break_shop()
    for day in (date(2026, 12, 24), date(2026, 12, 25)):
        OpeningHoursException.objects.create(shop=shop, date=day, closed=True)
    with django_assert_max_num_queries(12):
        assert client.get(shop.get_absolute_url()).status_code == 200


def test_paused_shop_page_is_not_found(client, at):
    shop = ShopFactory(status=ShopStatus.PAUSED)
    assert client.get(shop.get_absolute_url()).status_code == 404
