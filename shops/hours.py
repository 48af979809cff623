"""Opening hours arithmetic, pure: weekly periods plus dated exceptions."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

QUARTER = 15


@dataclass(frozen=True)
class Schedule:
    """Weekly (weekday, opens, closes) periods; exceptions map dates to periods (none: closed)."""

    weekly: tuple[tuple[int, time, time], ...]
    exceptions: dict[date, tuple[tuple[time, time], ...]] = field(default_factory=dict)

    def periods_on(self, day: date) -> tuple[tuple[time, time], ...]:
        if day in self.exceptions:
            return self.exceptions[day]
        return tuple(sorted((o, c) for w, o, c in self.weekly if w == day.weekday()))

    def is_open_at(self, moment: datetime) -> bool:
        now = moment.time()
        return any(opens <= now < closes for opens, closes in self.periods_on(moment.date()))

    def closes_at(self, moment: datetime) -> time | None:
        """When the current opening period ends, or None when closed now."""
        now = moment.time()
        for opens, closes in self.periods_on(moment.date()):
            if opens <= now < closes:
                return closes
        return None

    def earliest_pickup_today(self, now: datetime, preparation: timedelta) -> time | None:
        """The first quarter hour today, at least `preparation` from now, inside opening hours."""
        ready = round_up_to_quarter(now + preparation)
        if ready.date() != now.date():
            return None
        for opens, closes in self.periods_on(now.date()):
            candidate = max(ready.time(), opens)
            if candidate < closes:
                return candidate
        return None


def round_up_to_quarter(moment: datetime) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    extra = (-moment.minute) % QUARTER
    return moment + timedelta(minutes=extra)


def schedule_for(shop) -> Schedule:
    """Builds a Schedule from a Shop's (ideally prefetched) hours and exceptions."""
    weekly = tuple((p.weekday, p.opens, p.closes) for p in shop.opening_hours.all())
    exceptions = {
        e.date: () if e.closed else ((e.opens, e.closes),) for e in shop.opening_exceptions.all()
    }
    return Schedule(weekly=weekly, exceptions=exceptions)
