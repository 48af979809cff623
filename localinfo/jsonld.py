"""schema.org Event structured data for an event's page, built as a dict and serialised with
shops.jsonld.script_tag (which escapes `<`, `>` and `&`, so a title cannot close the script)."""

from django.conf import settings
from django.utils.html import strip_tags

from shops.jsonld import SCHEMA

from .occurrences import Occurrence
from .records import absolute, author, where


def event(occurrence: Occurrence, *, url: str) -> dict:
    item = occurrence.event
    place = where(item)
    location = {
        "@type": "Place",
        "name": place["name"],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": place["address"],
            "addressLocality": settings.TOWN_NAME,
            "addressCountry": "NL",
        },
    }
    if place["latitude"] is not None:
        location["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": place["latitude"],
            "longitude": place["longitude"],
        }
    data = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": item.title,
        "description": strip_tags(item.text)[:500],
        "startDate": occurrence.starts_at.isoformat(),
        "endDate": occurrence.ends_at.isoformat(),
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "location": location,
        "organizer": {"@type": "Organization", "name": author(item)},
        "url": url,
    }
    if item.image:
        data["image"] = [absolute(item.image.url)]
    return data


def product(listing, *, url: str, image: str | None = None) -> dict:
    """schema.org Product with one Offer per shop that sells it (price incl. VAT, in stock,
    or "to be confirmed" as LimitedAvailability when the shop's stock feed is late)."""
    item = listing.product
    data = {
        "@context": SCHEMA,
        "@type": "Product",
        "name": item.title,
        "url": url,
    }
    if item.description:
        data["description"] = strip_tags(item.description)[:500]
    if item.upc and item.upc.isdigit() and len(item.upc) in (8, 12, 13, 14):
        data[f"gtin{len(item.upc)}"] = item.upc
    if image:
        data["image"] = [image]
    offers = [product_offer(offer) for offer in listing.offers]
    if offers:
        prices = [offer.price for offer in listing.offers]
        data["offers"] = {
            "@type": "AggregateOffer",
            "priceCurrency": settings.OSCAR_DEFAULT_CURRENCY,
            "lowPrice": f"{min(prices):.2f}",
            "highPrice": f"{max(prices):.2f}",
            "offerCount": len(offers),
            "offers": offers,
        }
    return data


def product_offer(offer) -> dict:
    if offer.stale:
        availability = "LimitedAvailability"
    elif offer.available:
        availability = "InStock"
    else:
        availability = "OutOfStock"
    return {
        "@type": "Offer",
        "price": f"{offer.price:.2f}",
        "priceCurrency": settings.OSCAR_DEFAULT_CURRENCY,
        "availability": f"{SCHEMA}/{availability}",
        "seller": {
            "@type": "LocalBusiness",
            "name": offer.shop.name,
            "url": absolute(offer.shop.url),
        },
        "availableAtOrFrom": {"@type": "Place", "name": offer.shop.name},
    }
