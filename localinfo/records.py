"""Shops, places, events and news as plain dicts: what the API, the feeds, the open data and
the map pages all say about them, built in one place so every channel says the same."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from marketplace.rich_text import clean_rich_text
from shops.hours import schedule_for

from .occurrences import Occurrence
from .selectors import place_is_open

EXCEPTION_DAYS = 30


def absolute(url: str) -> str:
    """A link on our site as a full address (partners read it from elsewhere)."""
    if not url or "://" in url:
        return url
    return settings.SITE_URL.rstrip("/") + url


def periods(rows) -> list[dict]:
    return [
        {"weekday": row.weekday, "opens": f"{row.opens:%H:%M}", "closes": f"{row.closes:%H:%M}"}
        for row in sorted(rows, key=lambda r: (r.weekday, r.opens))
    ]


def exceptions(rows, today: date) -> list[dict]:
    last = today + timedelta(days=EXCEPTION_DAYS)
    return [
        {
            "date": row.date,
            "closed": row.closed,
            "opens": None if row.closed else f"{row.opens:%H:%M}",
            "closes": None if row.closed else f"{row.closes:%H:%M}",
            "reason": row.reason,
        }
        for row in sorted(rows, key=lambda r: r.date)
        if today <= row.date <= last
    ]


def address_of(thing) -> dict:
    return {"street": thing.street, "postcode": thing.postcode, "city": thing.city}


def shop_record(shop, moment: datetime) -> dict:
    """A shop whose hours, exceptions, photos and brands are prefetched."""
    return {
        "slug": shop.slug,
        "name": shop.name,
        "kind": shop.kind,
        "kind_label": str(shop.get_kind_display()),
        "address": address_of(shop),
        "latitude": float(shop.latitude),
        "longitude": float(shop.longitude),
        "phone": shop.phone,
        "website": shop.website,
        "url": absolute(shop.get_absolute_url()),
        "open_now": schedule_for(shop).is_open_at(moment),
        "opening_hours": periods(shop.opening_hours.all()),
        "exceptions": exceptions(shop.opening_exceptions.all(), moment.date()),
        "photos": [
            {"url": absolute(photo.image.url), "alt": photo.alt} for photo in shop.photos.all()
        ],
        "brands": [brand.name for brand in shop.brands.all()],
    }


def place_record(place, moment: datetime) -> dict:
    return {
        "slug": place.slug,
        "name": place.name,
        "kind": place.kind,
        "kind_label": str(place.get_kind_display()),
        "description": place.description,
        "address": address_of(place),
        "latitude": float(place.latitude),
        "longitude": float(place.longitude),
        "website": place.website,
        "tariffs": place.tariffs,
        "capacity": place.capacity,
        "always_open": place.always_open,
        "open_now": place_is_open(place, moment),
        "opening_hours": periods(place.opening_hours.all()),
        "exceptions": exceptions(place.opening_exceptions.all(), moment.date()),
    }


def where(event) -> dict:
    """Where an event is: its shop, its place, or its own address (in that order)."""
    if event.at_shop_id:
        shop = event.at_shop
        return {
            "kind": "shop",
            "name": shop.name,
            "address": f"{shop.street}, {shop.postcode} {shop.city}",
            "latitude": float(shop.latitude),
            "longitude": float(shop.longitude),
            "url": absolute(shop.get_absolute_url()),
        }
    if event.at_place_id:
        place = event.at_place
        return {
            "kind": "place",
            "name": place.name,
            "address": f"{place.street}, {place.postcode} {place.city}".replace(" ,", ","),
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
            "url": place.website,
        }
    return {
        "kind": "address",
        "name": event.address,
        "address": event.address,
        "latitude": float(event.latitude) if event.latitude is not None else None,
        "longitude": float(event.longitude) if event.longitude is not None else None,
        "url": "",
    }


def author(item) -> str:
    return item.shop.name if item.shop_id else settings.CENTRE_LEGAL_NAME


def publication_fields(item) -> dict:
    return {
        "slug": item.slug,
        "title": item.title,
        "text": clean_rich_text(item.text),
        "category": item.category.slug if item.category_id else None,
        "category_name": item.category.name if item.category_id else None,
        "image": absolute(item.image.url) if item.image else None,
        "image_alt": item.image_alt,
        "link": item.link,
        "url": absolute(item.get_absolute_url()),
        "written_by": author(item),
    }


def occurrence_record(occurrence: Occurrence) -> dict:
    event = occurrence.event
    return {
        **publication_fields(event),
        "starts_at": occurrence.starts_at,
        "ends_at": occurrence.ends_at,
        "recurrence": event.recurrence or None,
        "repeat_until": event.repeat_until,
        "place": where(event),
    }


def news_record(item) -> dict:
    return {**publication_fields(item), "published_at": item.published_at}


def recurrence_text(event) -> str:
    if not event.recurrence:
        return ""
    return _("%(repeats)s until %(day)s") % {
        "repeats": event.get_recurrence_display(),
        "day": f"{event.repeat_until:%d-%m-%Y}",
    }
