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

    def regular_periods(self, weekday: int) -> tuple[tuple[time, time], ...]:
        """The usual periods of a weekday (0 is Monday), exceptions left out: the weekly table."""
        return tuple(sorted((o, c) for w, o, c in self.weekly if w == weekday))

    def next_opening(self, moment: datetime, horizon_days: int = 31) -> datetime | None:
        """When the next opening period starts after `moment`, exceptions included.

        Only starts strictly after `moment` count, so while a shop is open this is the opening
        after the current period. The result keeps `moment`'s tzinfo: it is wall-clock time,
        which a ZoneInfo resolves correctly on DST change days. None when the shop does not
        open within `horizon_days` (a shop closed for the season).
        """
        for offset in range(horizon_days + 1):
            day = moment.date() + timedelta(days=offset)
            for opens, _closes in sorted(self.periods_on(day)):
                if offset or opens > moment.time():
                    return datetime.combine(day, opens, tzinfo=moment.tzinfo)
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
    exceptions: dict[date, tuple[tuple[time, time], ...]] = {
        e.date: () if e.closed else ((e.opens, e.closes),) for e in shop.opening_exceptions.all()
    }
    return Schedule(weekly=weekly, exceptions=exceptions)
