"""Open data: the shops, places and events as CSV and GeoJSON, under OPEN_DATA_LICENCE.

Every CSV cell goes through marketplace.spreadsheet_cells.neutralise (a name starting with
`=` is text, not a formula). GeoJSON follows RFC 7946: [longitude, latitude] in WGS 84.
"""

import csv
import io
import json
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from marketplace.spreadsheet_cells import neutralise_row
from shops.selectors import shops_with_hours

from . import records, selectors
from .feeds import count_feed, open_to_everyone
from .occurrences import day_window, occurrences

EVENT_DAYS = 92
DATASETS = ("shops", "places", "events")
FORMATS = ("csv", "geojson")


def shop_rows(moment):
    shops = shops_with_hours(first_day=moment.date(), last_day=moment.date()).prefetch_related(
        "brands"
    )
    for shop in shops:
        yield {
            "id": shop.slug,
            "name": shop.name,
            "kind": shop.kind,
            "street": shop.street,
            "postcode": shop.postcode,
            "city": shop.city,
            "latitude": float(shop.latitude),
            "longitude": float(shop.longitude),
            "opening_hours": hours_text(shop.opening_hours.all()),
            "website": shop.website,
            "url": records.absolute(shop.get_absolute_url()),
            "brands": "; ".join(brand.name for brand in shop.brands.all()),
        }


def place_rows(moment):
    for place in selectors.places_with_hours(first_day=moment.date(), last_day=moment.date()):
        yield {
            "id": place.slug,
            "name": place.name,
            "kind": place.kind,
            "street": place.street,
            "postcode": place.postcode,
            "city": place.city,
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
            "opening_hours": "24/7" if place.always_open else hours_text(place.opening_hours.all()),
            "tariffs": place.tariffs,
            "capacity": place.capacity,
            "website": place.website,
        }


def event_rows(moment):
    since, until = day_window(moment.date(), moment.date() + timedelta(days=EVENT_DAYS))
    events = selectors.events_overlapping(since=since, until=until)
    for occurrence in occurrences(events, since=since, until=until):
        event = occurrence.event
        place = records.where(event)
        yield {
            "id": event.slug,
            "title": event.title,
            "category": event.category.slug if event.category_id else "",
            "starts_at": occurrence.starts_at.isoformat(),
            "ends_at": occurrence.ends_at.isoformat(),
            "place": place["name"],
            "address": place["address"],
            "latitude": place["latitude"],
            "longitude": place["longitude"],
            "url": records.absolute(event.get_absolute_url()),
        }


ROWS = {"shops": shop_rows, "places": place_rows, "events": event_rows}
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def hours_text(periods) -> str:
    """OpenStreetMap's opening_hours syntax: "Mo 09:00-18:00; Tu 09:00-18:00"."""
    return "; ".join(
        f"{DAYS[p.weekday]} {p.opens:%H:%M}-{p.closes:%H:%M}"
        for p in sorted(periods, key=lambda p: (p.weekday, p.opens))
    )


def as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    if rows:
        writer.writerow(rows[0].keys())
    for row in rows:
        writer.writerow(neutralise_row(["" if v is None else v for v in row.values()]))
    return out.getvalue()


def as_geojson(rows: list[dict]) -> str:
    features = [
        {
            "type": "Feature",
            "geometry": None
            if row["latitude"] is None
            else {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
            "properties": {k: v for k, v in row.items() if k not in ("latitude", "longitude")},
        }
        for row in rows
    ]
    collection = {
        "type": "FeatureCollection",
        "license": settings.OPEN_DATA_LICENCE,
        "license_url": settings.OPEN_DATA_LICENCE_URL,
        "attribution": settings.CENTRE_LEGAL_NAME,
        "features": features,
    }
    return json.dumps(collection, cls=DjangoJSONEncoder, ensure_ascii=False)


def download(request, dataset: str, format: str):
    if dataset not in DATASETS or format not in FORMATS:
        raise Http404
    count_feed(request)
    rows = list(ROWS[dataset](timezone.localtime()))
    if format == "csv":
        response = HttpResponse(as_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(as_geojson(rows), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="{dataset}.{format}"'
    response["Link"] = f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
    return open_to_everyone(response)


class OpenDataView(TemplateView):
    template_name = "localinfo/open_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            datasets=DATASETS,
            formats=FORMATS,
            licence=settings.OPEN_DATA_LICENCE,
            licence_url=settings.OPEN_DATA_LICENCE_URL,
            site_url=settings.SITE_URL.rstrip("/"),
            **kwargs,
        )
