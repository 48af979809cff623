"""What the public directory says about a shop's hours: open state, texts, tables, map data.

No queries here: everything works on a Shop whose hours and exceptions are prefetched
(shops.selectors.shops_with_hours) and on a local "now" the view passes in.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext

from .hours import Schedule, schedule_for
from .models import Shop, Weekday


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    closes_at: time | None
    next_opening: datetime | None


@dataclass(frozen=True)
class Listing:
    """One shop on the directory list and map, with its state at the moment of the request."""

    shop: Shop
    state: OpenState

    @property
    def status_text(self) -> str:
        return short_status(self.state)


@dataclass(frozen=True)
class WeekRow:
    label: str
    periods: tuple[tuple[time, time], ...]
    is_today: bool


def open_state(schedule: Schedule, now: datetime) -> OpenState:
    return OpenState(
        is_open=schedule.is_open_at(now),
        closes_at=schedule.closes_at(now),
        next_opening=schedule.next_opening(now),
    )


def listings(shops, now: datetime, *, open_now: bool = False) -> list[Listing]:
    """Shops with their open state; with open_now only those open at `now`.

    Filtering happens here, not in SQL, because opening depends on weekday periods and dated
    exceptions together; with at most a few hundred prefetched shops that is cheap.
    """
    found = [Listing(shop=shop, state=open_state(schedule_for(shop), now)) for shop in shops]
    return [listing for listing in found if listing.state.is_open or not open_now]


def short_status(state: OpenState) -> str:
    """For the list and the map: "Open now until 18:00" or "Closed now"."""
    if state.is_open:
        return gettext("Open now until %(time)s") % {"time": f"{state.closes_at:%H:%M}"}
    return gettext("Closed now")


def long_status(state: OpenState, now: datetime) -> str:
    """For the shop page, naming the next opening so a closed shop still says when to come."""
    if state.is_open:
        return gettext("Open now, closes at %(time)s") % {"time": f"{state.closes_at:%H:%M}"}
    if state.next_opening is None:
        return gettext("Closed now")
    return gettext("Closed now, opens %(day)s at %(time)s") % {
        "day": day_label(state.next_opening.date(), now.date()),
        "time": f"{state.next_opening:%H:%M}",
    }


def day_label(day: date, today: date) -> str:
    """today, tomorrow, a weekday name within the week, else the date (a weekday is ambiguous)."""
    if day == today:
        return gettext("today")
    if day == today + timedelta(days=1):
        return gettext("tomorrow")
    if day < today + timedelta(days=7):
        return str(Weekday(day.weekday()).label)
    return date_format(day, "l j F")


def week_rows(schedule: Schedule, today: date) -> list[WeekRow]:
    """Monday to Sunday with the usual periods; closed weekdays stay in, with no periods."""
    return [
        WeekRow(
            label=str(weekday.label),
            periods=schedule.regular_periods(weekday.value),
            is_today=weekday.value == today.weekday(),
        )
        for weekday in Weekday
    ]


def map_markers(found: list[Listing]) -> list[dict]:
    """Plain data for static/shops/map.js, embedded with json_script (which escapes it)."""
    return [
        {
            "name": listing.shop.name,
            "url": listing.shop.get_absolute_url(),
            "kind": str(listing.shop.get_kind_display()),
            "lat": float(listing.shop.latitude),
            "lng": float(listing.shop.longitude),
            "open": listing.state.is_open,
            "status": listing.status_text,
        }
        for listing in found
    ]
