"""The iCalendar feed of events and the Atom feed of news, read back with their libraries."""

from datetime import date, datetime

import feedparser
import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from localinfo.models import NewsItem
from tests.localinfo.conftest import AMSTERDAM

pytestmark = pytest.mark.django_db


def calendar_from(response) -> Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_events_calendar_has_every_approved_event(town, client):
    calendar = calendar_from(client.get("/local/events.ics"))
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "Weekmarkt op de Brink",
        "Versmarkt",
        "Muziek op het plein",
        "Familievoorstelling in de schouwburg",
        "Stadswandeling langs de hanzehuizen",
        "Voorleesmiddag voor kinderen",
    }
    show = events["Familievoorstelling in de schouwburg"]
    assert show.decoded("dtstart") == datetime(2026, 11, 29, 14, 0, tzinfo=AMSTERDAM)
    assert str(show["location"]).startswith("Stadsschouwburg, Leeuwenbrug 6")
    assert str(show["url"]).endswith("/local/events/voorstelling-schouwburg/")


def test_a_recurring_event_is_one_entry_with_a_rule(town, client):
    calendar = calendar_from(client.get("/local/events.ics"))
    market = next(e for e in calendar.walk("VEVENT") if str(e["summary"]) == "Versmarkt")
    rule = market["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["UNTIL"][0].date() == date(2027, 2, 19)
    every = rrulestr(rule.to_ical().decode(), dtstart=market.decoded("dtstart"))
    window = every.between(
        datetime(2026, 11, 23, tzinfo=AMSTERDAM), datetime(2026, 12, 7, tzinfo=AMSTERDAM)
    )
    assert [(moment.date(), moment.hour) for moment in window] == [
        (date(2026, 11, 27), 12),
        (date(2026, 12, 4), 12),
    ]


def test_calendar_per_category(town, client):
    calendar = calendar_from(client.get("/local/events/cultuur.ics"))
    assert {str(e["summary"]) for e in calendar.walk("VEVENT")} == {
        "Familievoorstelling in de schouwburg",
        "Stadswandeling langs de hanzehuizen",
    }
    assert client.get("/local/events/onbekend.ics").status_code == 404


def test_news_atom_feed(town, client):
    response = client.get("/local/news.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert titles == [
        "Fietsenstalling Brink langer open",
        "Nieuw bij Boekhandel Brink",
        "Koopzondag: winkels open van 12 tot 17 uur",
        "Programma van de schouwburg bekend",
    ]
    assert feed.entries[1].author == "Boekhandel Brink"


def test_news_feed_per_category_and_hostile_text(town, client):
    NewsItem.objects.filter(slug="koopzondag").update(
        text='<p onclick="x()">Open</p><script>alert(1)</script>'
    )
    feed = feedparser.parse(client.get("/local/news/winkelen.atom").content)
    assert feed.bozo == 0
    assert "Programma van de schouwburg bekend" not in [entry.title for entry in feed.entries]
    sunday = next(e for e in feed.entries if e.title.startswith("Koopzondag"))
    assert "script" not in sunday.summary and "onclick" not in sunday.summary


def test_news_waiting_for_review_or_not_yet_published_is_not_in_the_feed(town, client):
    NewsItem.objects.filter(slug="koopzondag").update(status="pending")
    NewsItem.objects.filter(slug="zomerprogramma-schouwburg").update(
        published_at=datetime(2026, 12, 1, 9, tzinfo=AMSTERDAM)
    )
    feed = feedparser.parse(client.get("/local/news.atom").content)
    assert [entry.title for entry in feed.entries] == [
        "Fietsenstalling Brink langer open",
        "Nieuw bij Boekhandel Brink",
    ]
