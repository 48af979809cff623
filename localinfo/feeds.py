"""The iCalendar feed of events and the Atom feed of news, all or per category.

Recurring events are one VEVENT with an RRULE (wall-clock time in Europe/Amsterdam), so a
calendar shows every occurrence and keeps 09:00 at 09:00 across the change to summer time.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from . import records, selectors, services
from .models import Category, Channel
from .occurrences import TOWN_ZONE

PAST_DAYS = 31
NEWS_ITEMS = 50


def count_feed(request) -> None:
    key = (request.GET.get("partner") or "").strip()
    services.count_use(channel=Channel.FEED, partner_key=key, day=timezone.localdate())


def open_to_everyone(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def calendar_of(events, *, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.BRAND_NAME}//local information//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(TOWN_ZONE))
    host = settings.SITE_URL.split("://", 1)[-1].split("/")[0].split(":")[0]
    for event in events:
        calendar.add_component(calendar_event(event, host=host))
    return calendar


def calendar_event(event, *, host: str) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@{host}")
    entry.add("summary", event.title)
    entry.add("description", strip_tags(event.text))
    entry.add("dtstart", event.starts_at.astimezone(TOWN_ZONE))
    entry.add("dtend", event.ends_at.astimezone(TOWN_ZONE))
    entry.add("dtstamp", event.updated_at)
    entry.add("last-modified", event.updated_at)
    entry.add("url", records.absolute(event.get_absolute_url()))
    place = records.where(event)
    entry.add("location", ", ".join(part for part in (place["name"], place["address"]) if part))
    if place["latitude"] is not None:
        entry.add("geo", (place["latitude"], place["longitude"]))
    if event.category_id:
        entry.add("categories", [event.category.name])
    if event.recurrence:
        # RFC 5545: with a zoned DTSTART, UNTIL is written in UTC; the last day is included.
        first = event.starts_at.astimezone(TOWN_ZONE)
        until = datetime.combine(event.repeat_until, first.time(), tzinfo=TOWN_ZONE)
        entry.add("rrule", {"freq": event.recurrence, "until": until.astimezone(UTC)})
    return entry


def events_calendar(request, category: str | None = None):
    """GET /local/events.ics (or /local/events/<category>.ics): the events from a month ago on."""
    since = timezone.now() - timedelta(days=PAST_DAYS)
    events = selectors.public_events().filter(
        Q(ends_at__gte=since) | Q(recurrence__gt="", repeat_until__gte=since.date())
    )
    name = settings.BRAND_NAME
    if category:
        found = get_object_or_404(Category, slug=category)
        events = events.filter(category=found)
        name = f"{name}: {found.name}"
    count_feed(request)
    body = calendar_of(events.order_by("starts_at", "id"), name=name).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return open_to_everyone(response)


class NewsFeed(Feed):
    """GET /local/news.atom (or /local/news/<category>.atom)."""

    feed_type = Atom1Feed

    def get_object(self, request, category: str | None = None):
        count_feed(request)
        return get_object_or_404(Category, slug=category) if category else None

    def title(self, category):
        if category:
            return _("%(brand)s news: %(category)s") % {
                "brand": settings.BRAND_NAME,
                "category": category.name,
            }
        return _("%(brand)s news") % {"brand": settings.BRAND_NAME}

    def link(self, category):
        return "/whats-on/"

    def subtitle(self, category):
        return _("News from the town centre of %(town)s") % {"town": settings.TOWN_NAME}

    def items(self, category):
        news = selectors.public_news(now=timezone.now())
        if category:
            news = news.filter(category=category)
        return news[:NEWS_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return records.clean_rich_text(item.text)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return records.author(item)

    def item_categories(self, item):
        return [item.category.name] if item.category_id else []

    def __call__(self, request, *args, **kwargs):
        return open_to_everyone(super().__call__(request, *args, **kwargs))
