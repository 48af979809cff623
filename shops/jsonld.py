"""schema.org LocalBusiness structured data for a shop's page, so search engines find the shop.

Built as a dict in Python and serialised with json.dumps (never hand-written in a template),
following https://developers.google.com/search/docs/appearance/structured-data/local-business.
"""

import json
from datetime import date, time, timedelta
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from .models import Shop, ShopKind

SCHEMA = "https://schema.org"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
UPCOMING_DAYS = 30

# Google asks for the most specific LocalBusiness subtype; each of these is a schema.org Store.
TYPES: dict[str, str] = {
    ShopKind.BOOKS: "BookStore",
    ShopKind.FASHION: "ClothingStore",
    ShopKind.SHOES: "ShoeStore",
    ShopKind.TOYS: "ToyStore",
    ShopKind.FLOWERS: "Florist",
    ShopKind.BICYCLES: "BikeStore",
    ShopKind.HOME: "HomeGoodsStore",
    ShopKind.JEWELLERY: "JewelryStore",
    ShopKind.SPORTS: "SportingGoodsStore",
}

# A JSON string may hold "</script>"; escaping these keeps the data inside its script element
# (the same characters Django's json_script escapes) and json.loads reads them back unchanged.
HTML_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def local_business(shop: Shop, *, url: str, today: date) -> dict:
    """The LocalBusiness of a shop whose hours and exceptions are prefetched."""
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": TYPES.get(shop.kind, "Store"),
        "name": shop.name,
        "url": url,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": shop.street,
            "postalCode": shop.postcode,
            "addressLocality": shop.city,
            "addressCountry": "NL",
        },
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": float(shop.latitude),
            "longitude": float(shop.longitude),
        },
    }
    if shop.phone:
        data["telephone"] = shop.phone
    data["openingHoursSpecification"] = [
        opening_hours(period.weekday, period.opens, period.closes)
        for period in sorted(shop.opening_hours.all(), key=lambda p: (p.weekday, p.opens))
    ]
    special = [
        special_hours(exception)
        for exception in sorted(shop.opening_exceptions.all(), key=lambda e: e.date)
        if today <= exception.date <= today + timedelta(days=UPCOMING_DAYS)
    ]
    if special:
        data["specialOpeningHoursSpecification"] = special
    return data


def opening_hours(weekday: int, opens: time, closes: time) -> dict:
    return {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": f"{SCHEMA}/{DAYS[weekday]}",
        "opens": f"{opens:%H:%M}",
        "closes": f"{closes:%H:%M}",
    }


def special_hours(exception) -> dict:
    """A dated exception; a closed day is opens = closes = 00:00, as Google documents."""
    midnight = "00:00"
    return {
        "@type": "OpeningHoursSpecification",
        "opens": midnight if exception.closed else f"{exception.opens:%H:%M}",
        "closes": midnight if exception.closed else f"{exception.closes:%H:%M}",
        "validFrom": exception.date.isoformat(),
        "validThrough": exception.date.isoformat(),
    }


def script_tag(data: dict) -> SafeString:
    """The <script type="application/ld+json"> element for a page's head."""
    text = json.dumps(data, ensure_ascii=False).translate(HTML_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
