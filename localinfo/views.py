"""The public pages of local information: an event, a news item, what's on (with its map)."""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import translation
from django.views.generic import TemplateView

from marketplace.language_urls import address_in
from marketplace.storefront import shop_facts
from shops import jsonld as shop_jsonld
from shops.directory import listings, map_markers
from shops.selectors import shops_with_hours
from shops.views import map_config

from . import jsonld, records, selectors, services
from .models import PlaceKind
from .occurrences import day_window, next_occurrence, occurrences, weekend_of

PARKING = (PlaceKind.PARKING_GARAGE, PlaceKind.BIKE_PARKING)


def local_now():
    return shop_facts.local_now()


def canonical(path: str) -> str:
    """The page's address on SITE_URL in the language it is shown in, without its query."""
    return records.absolute(address_in(path, translation.get_language()))


class EventDetailView(TemplateView):
    template_name = "localinfo/event_detail.html"

    def get_context_data(self, **kwargs):
        event = get_object_or_404(selectors.public_events(), slug=self.kwargs["slug"])
        now = local_now()
        upcoming = next_occurrence(event, now=now)
        shown = upcoming or occurrences([event], since=event.starts_at, until=event.ends_at)[0]
        services.count_event_view(event_id=event.pk, day=now.date())
        url = canonical(event.get_absolute_url())
        since, until = now, now + timedelta(days=92)
        return super().get_context_data(
            event=event,
            occurrence=shown,
            is_over=upcoming is None,
            later=occurrences([event], since=since, until=until)[1:6],
            place=records.where(event),
            repeats=records.recurrence_text(event),
            canonical_url=url,
            jsonld=shop_jsonld.script_tag(jsonld.event(shown, url=url)),
            **kwargs,
        )


class NewsDetailView(TemplateView):
    template_name = "localinfo/news_detail.html"

    def get_context_data(self, **kwargs):
        news = selectors.public_news(now=shop_facts.now())
        item = get_object_or_404(news, slug=self.kwargs["slug"])
        return super().get_context_data(
            item=item,
            canonical_url=canonical(item.get_absolute_url()),
            **kwargs,
        )


class WhatsOnView(TemplateView):
    """Today and this weekend: events, shops open now and parking, on one map."""

    template_name = "localinfo/whats_on.html"

    def get_context_data(self, **kwargs):
        now = local_now()
        today = now.date()
        saturday, sunday = weekend_of(today)
        since, until = day_window(today, sunday)
        events = selectors.events_overlapping(since=since, until=until)
        todays = occurrences(events, since=now, until=day_window(today, today)[1])
        weekend_since = max(now, day_window(saturday, sunday)[0])
        weekend = [
            o
            for o in occurrences(events, since=weekend_since, until=day_window(saturday, sunday)[1])
            if today not in (saturday, sunday) or o.starts_at.date() != today
        ]
        shops = [
            listing
            for listing in listings(shops_with_hours(first_day=today, last_day=today), now)
            if listing.state.is_open
        ]
        parking = [
            records.place_record(place, now)
            for place in selectors.places_with_hours(first_day=today, last_day=today).filter(
                kind__in=PARKING
            )
        ]
        return super().get_context_data(
            today_events=todays,
            weekend_events=weekend,
            weekend_days=(saturday, sunday),
            open_shops=shops,
            parking=parking,
            map_markers=self.markers(shops, todays + weekend, parking),
            map_config=map_config(),
            canonical_url=canonical(self.request.path),
            **kwargs,
        )

    def markers(self, shops, found, parking) -> list[dict]:
        markers = [dict(marker, layer="shop") for marker in map_markers(shops)]
        seen = set()
        for occurrence in found:
            place = records.where(occurrence.event)
            if place["latitude"] is None or occurrence.event.pk in seen:
                continue
            seen.add(occurrence.event.pk)
            markers.append(
                {
                    "name": occurrence.event.title,
                    "url": occurrence.event.get_absolute_url(),
                    "kind": place["name"],
                    "lat": place["latitude"],
                    "lng": place["longitude"],
                    "open": True,
                    "status": f"{occurrence.starts_at:%d-%m %H:%M}",
                    "layer": "event",
                }
            )
        for place in parking:
            markers.append(
                {
                    "name": place["name"],
                    "url": place["website"],
                    "kind": place["kind_label"],
                    "lat": place["latitude"],
                    "lng": place["longitude"],
                    "open": place["open_now"],
                    "status": place["tariffs"],
                    "layer": "parking",
                }
            )
        return markers
