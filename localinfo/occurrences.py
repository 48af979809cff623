"""When an event takes place: its occurrences in a window, pure (no database).

A recurring event repeats its first occurrence's wall-clock time in the town's zone (a
Saturday market at 09:00 stays at 09:00 across the change to summer time), by the iCalendar
frequency it names, up to and including its `repeat_until` day.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule

TOWN_ZONE = ZoneInfo("Europe/Amsterdam")
FREQUENCIES = {"DAILY": DAILY, "WEEKLY": WEEKLY, "MONTHLY": MONTHLY}
MAX_OCCURRENCES = 400


@dataclass(frozen=True)
class Occurrence:
    event: object
    starts_at: datetime
    ends_at: datetime


def starts_of(event) -> list[datetime]:
    """Every start of the event (at most MAX_OCCURRENCES), aware, in the town's zone."""
    first = event.starts_at.astimezone(TOWN_ZONE)
    if not event.recurrence:
        return [first]
    until = datetime.combine(event.repeat_until, first.time())
    naive = rrule(
        FREQUENCIES[event.recurrence],
        dtstart=first.replace(tzinfo=None),
        until=until,
        count=None,
    )
    starts = []
    for moment in naive:
        starts.append(moment.replace(tzinfo=TOWN_ZONE))
        if len(starts) >= MAX_OCCURRENCES:
            break
    return starts


def occurrences(events, *, since: datetime, until: datetime) -> list[Occurrence]:
    """Occurrences that have not ended by `since` and start before `until`, by start time."""
    found = []
    for event in events:
        length = event.ends_at - event.starts_at
        for start in starts_of(event):
            if start + length > since and start < until:
                found.append(Occurrence(event=event, starts_at=start, ends_at=start + length))
    return sorted(found, key=lambda o: (o.starts_at, o.event.pk or 0))


def next_occurrence(event, *, now: datetime) -> Occurrence | None:
    """The occurrence going on now or the next one; None when the event is over."""
    found = occurrences([event], since=now, until=now + timedelta(days=3660))
    return found[0] if found else None


def day_window(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of `first` to the end of `last`, in the town's zone."""
    since = datetime.combine(first, datetime.min.time(), tzinfo=TOWN_ZONE)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=TOWN_ZONE)
    return since, until


def weekend_of(today: date) -> tuple[date, date]:
    """This weekend: Saturday and Sunday of this week (on a Sunday, just today)."""
    if today.weekday() == 6:
        return today, today
    saturday = today + timedelta(days=5 - today.weekday())
    return max(saturday, today), saturday + timedelta(days=1)
