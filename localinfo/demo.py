"""The demo city's local information: places, categories, events, news and partners.

Deterministic from `today` and the town centre (no randomness, no clock of its own): the same
day gives the same rows, and rows are looked up by slug, so seeding again adds nothing.
Called by the demo city's loader (marketplace/demo_city/loader.py); tests call it with the
day of the clock they fix.
"""

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from shops.models import Shop

from .models import (
    ApiPartner,
    Category,
    Event,
    NewsItem,
    Place,
    PlaceHours,
    PlaceKind,
    Recurrence,
    ReviewStatus,
    ShopBrand,
)
from .occurrences import TOWN_ZONE

METRES_PER_DEGREE = 111_320
EVERY_DAY = range(7)

CATEGORIES = [
    ("markt", "Markt"),
    ("muziek", "Muziek"),
    ("cultuur", "Cultuur"),
    ("kinderen", "Kinderen"),
    ("winkelen", "Winkelen"),
]

# slug, name, kind, metres north, metres east, hours (None: day and night), tariffs, capacity
PLACES = [
    (
        "parkeergarage-centrum",
        "Parkeergarage Centrum",
        PlaceKind.PARKING_GARAGE,
        -320,
        180,
        None,
        "€ 2,80 per uur, dagkaart € 18,00",
        450,
    ),
    (
        "parkeergarage-stadhuis",
        "Parkeergarage Stadhuis",
        PlaceKind.PARKING_GARAGE,
        260,
        -300,
        (time(7), time(23, 59)),
        "€ 2,40 per uur, avond (na 18:00) € 5,00",
        280,
    ),
    (
        "fietsenstalling-brink",
        "Fietsenstalling Brink",
        PlaceKind.BIKE_PARKING,
        40,
        60,
        (time(7), time(23)),
        "Gratis, bewaakt",
        900,
    ),
    (
        "fietsenstalling-station",
        "Fietsenstalling Station",
        PlaceKind.BIKE_PARKING,
        650,
        -120,
        None,
        "Eerste 24 uur gratis, daarna € 1,25 per dag",
        2400,
    ),
    (
        "toilet-markt",
        "Openbaar toilet Markt",
        PlaceKind.TOILET,
        -60,
        -40,
        (time(8), time(20)),
        "€ 0,50",
        None,
    ),
    (
        "restaurant-de-waag",
        "Restaurant De Waag",
        PlaceKind.RESTAURANT,
        20,
        -90,
        (time(11), time(23)),
        "",
        None,
    ),
    (
        "cafe-het-bolwerk",
        "Café Het Bolwerk",
        PlaceKind.RESTAURANT,
        -150,
        240,
        (time(10), time(23, 59)),
        "",
        None,
    ),
    ("schouwburg", "Stadsschouwburg", PlaceKind.CULTURE, 380, 260, (time(12), time(23)), "", None),
    (
        "stadsmuseum",
        "Stadsmuseum",
        PlaceKind.CULTURE,
        -210,
        -260,
        (time(10), time(17)),
        "Volwassenen € 12,50, kinderen gratis",
        None,
    ),
]

BRANDS = {
    "fashion": ["Kings of Indigo", "Armedangels"],
    "shoes": ["Van Bommel", "Floris van Bommel"],
    "sports": ["Asics", "Björn Borg"],
    "bicycles": ["Gazelle", "Batavus"],
    "toys": ["Lego", "Djeco"],
}

STREETS = {
    "parkeergarage-centrum": "Brink 80",
    "parkeergarage-stadhuis": "Grote Kerkhof 12",
    "fietsenstalling-brink": "Brink 2",
    "fietsenstalling-station": "Stationsplein 3",
    "toilet-markt": "Grote Kerkhof 1",
    "restaurant-de-waag": "Brink 56",
    "cafe-het-bolwerk": "Bolwerksweg 4",
    "schouwburg": "Leeuwenbrug 6",
    "stadsmuseum": "Sandrasteeg 8",
}

PARTNERS = [("VVV Deventer", "vvv"), ("Stadsapp", "stadsapp")]


def point(centre: tuple[float, float], north: float, east: float) -> tuple[Decimal, Decimal]:
    latitude = centre[0] + north / METRES_PER_DEGREE
    longitude = centre[1] + east / (METRES_PER_DEGREE * math.cos(math.radians(centre[0])))
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOWN_ZONE)


def next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7)


@transaction.atomic
def seed_local_info(*, today: date, centre: tuple[float, float], town: str) -> None:
    """Adds what is missing of the demo's places, categories, events, news and partners."""
    categories = {
        slug: Category.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in CATEGORIES
    }
    places = {spec[0]: add_place(spec, centre=centre, town=town) for spec in PLACES}
    shops = list(Shop.objects.filter(status="active").order_by("id")[:12])
    add_brands(shops)
    for spec in event_specs(today, places, shops):
        add_event(spec, categories)
    for spec in news_specs(today, shops):
        add_news(spec, categories)
    for name, key in PARTNERS:
        ApiPartner.objects.get_or_create(key=key, defaults={"name": name})


def add_place(spec, *, centre, town: str) -> Place:
    slug, name, kind, north, east, hours, tariffs, capacity = spec
    latitude, longitude = point(centre, north, east)
    place, created = Place.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "street": STREETS[slug],
            "postcode": "7411",
            "city": town,
            "latitude": latitude,
            "longitude": longitude,
            "tariffs": tariffs,
            "capacity": capacity,
            "always_open": hours is None,
        },
    )
    if created and hours:
        PlaceHours.objects.bulk_create(
            PlaceHours(place=place, weekday=day, opens=hours[0], closes=hours[1])
            for day in EVERY_DAY
        )
    return place


def add_brands(shops) -> None:
    for shop in shops:
        for name in BRANDS.get(shop.kind, []):
            ShopBrand.objects.get_or_create(shop=shop, name=name)


def event_specs(today: date, places: dict, shops: list) -> list[dict]:
    saturday = next_weekday(today, 5)
    sunday = next_weekday(today, 6)
    friday = next_weekday(today, 4)
    first_shop = shops[0] if shops else None
    second_shop = shops[1] if len(shops) > 1 else None
    specs = [
        {
            "slug": "weekmarkt-brink",
            "title": "Weekmarkt op de Brink",
            "text": "<p>Groente, fruit, kaas, vis en bloemen: elke zaterdag op de Brink.</p>",
            "category": "markt",
            "starts_at": at(saturday - timedelta(weeks=4), 8),
            "ends_at": at(saturday - timedelta(weeks=4), 13),
            "recurrence": Recurrence.WEEKLY,
            "repeat_until": saturday + timedelta(weeks=26),
            "address": "Brink",
            "where": point_of(places["fietsenstalling-brink"]),
        },
        {
            "slug": "versmarkt-vrijdag",
            "title": "Versmarkt",
            "text": "<p>Boeren uit de regio met hun eigen producten.</p>",
            "category": "markt",
            "starts_at": at(friday - timedelta(weeks=2), 12),
            "ends_at": at(friday - timedelta(weeks=2), 17),
            "recurrence": Recurrence.WEEKLY,
            "repeat_until": friday + timedelta(weeks=12),
            "address": "Grote Kerkhof",
            "where": point_of(places["toilet-markt"]),
        },
        {
            "slug": "muziek-op-het-plein",
            "title": "Muziek op het plein",
            "text": "<p>Straatmuzikanten uit de stad spelen de hele middag.</p>",
            "category": "muziek",
            "starts_at": at(today, 15),
            "ends_at": at(today, 23),
            "at_place": places["cafe-het-bolwerk"],
        },
        {
            "slug": "voorstelling-schouwburg",
            "title": "Familievoorstelling in de schouwburg",
            "text": "<p>Toneel voor iedereen vanaf 6 jaar.</p>",
            "category": "cultuur",
            "starts_at": at(sunday, 14),
            "ends_at": at(sunday, 15, 30),
            "at_place": places["schouwburg"],
            "link": "https://example.org/schouwburg",
        },
        {
            "slug": "stadswandeling",
            "title": "Stadswandeling langs de hanzehuizen",
            "text": "<p>Een gids vertelt over de geschiedenis van de binnenstad.</p>",
            "category": "cultuur",
            "starts_at": at(sunday, 11),
            "ends_at": at(sunday, 12, 30),
            "recurrence": Recurrence.MONTHLY,
            "repeat_until": sunday + timedelta(days=180),
            "at_place": places["stadsmuseum"],
        },
    ]
    if first_shop:
        specs.append(
            {
                "slug": "voorleesmiddag",
                "title": "Voorleesmiddag voor kinderen",
                "text": "<p>Kom luisteren naar nieuwe prentenboeken.</p>",
                "category": "kinderen",
                "starts_at": at(saturday, 14),
                "ends_at": at(saturday, 16),
                "at_shop": first_shop,
                "shop": first_shop,
                "status": ReviewStatus.APPROVED,
            }
        )
    if second_shop:
        specs.append(
            {
                "slug": "modeshow-najaar",
                "title": "Modeshow nieuwe collectie",
                "text": "<p>Onze nieuwe collectie op de catwalk in de winkel.</p>",
                "category": "winkelen",
                "starts_at": at(saturday + timedelta(weeks=1), 16),
                "ends_at": at(saturday + timedelta(weeks=1), 18),
                "at_shop": second_shop,
                "shop": second_shop,
                "status": ReviewStatus.PENDING,
            }
        )
    return specs


def point_of(place: Place) -> tuple[Decimal, Decimal]:
    return place.latitude, place.longitude


def add_event(spec: dict, categories: dict) -> None:
    spec = dict(spec)
    where = spec.pop("where", None)
    spec["category"] = categories[spec["category"]]
    spec.setdefault("status", ReviewStatus.APPROVED)
    spec = {key: value for key, value in spec.items() if value is not None}
    if where:
        spec["latitude"], spec["longitude"] = where
    Event.objects.get_or_create(slug=spec.pop("slug"), defaults=spec)


def news_specs(today: date, shops: list) -> list[dict]:
    specs = [
        {
            "slug": "nieuwe-fietsenstalling",
            "title": "Fietsenstalling Brink langer open",
            "text": "<p>De bewaakte stalling is voortaan open tot 23:00.</p>",
            "category": "winkelen",
            "published_at": at(today - timedelta(days=1), 9),
        },
        {
            "slug": "koopzondag",
            "title": "Koopzondag: winkels open van 12 tot 17 uur",
            "text": "<p>De eerste zondag van de maand zijn veel winkels open.</p>",
            "category": "winkelen",
            "published_at": at(today - timedelta(days=5), 10),
        },
        {
            "slug": "zomerprogramma-schouwburg",
            "title": "Programma van de schouwburg bekend",
            "text": "<p>Het nieuwe seizoen staat online.</p>",
            "category": "cultuur",
            "published_at": at(today - timedelta(days=12), 11),
        },
    ]
    if shops:
        specs.append(
            {
                "slug": "nieuwe-collectie",
                "title": f"Nieuw bij {shops[0].name}",
                "text": "<p>Deze week binnen: de nieuwe voorraad.</p>",
                "category": "winkelen",
                "published_at": at(today - timedelta(days=2), 12),
                "shop": shops[0],
            }
        )
    return specs


def add_news(spec: dict, categories: dict) -> None:
    spec = dict(spec)
    spec["category"] = categories[spec["category"]]
    spec.setdefault("status", ReviewStatus.APPROVED)
    NewsItem.objects.get_or_create(slug=spec.pop("slug"), defaults=spec)
