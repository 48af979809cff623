"""Occurrences of one-off and recurring events, pure (no database)."""

from datetime import date, datetime
from types import SimpleNamespace

from localinfo.occurrences import TOWN_ZONE, next_occurrence, occurrences, weekend_of


def event(starts, ends, recurrence="", until=None, pk=1):
    return SimpleNamespace(
        pk=pk, starts_at=starts, ends_at=ends, recurrence=recurrence, repeat_until=until
    )


def at(*parts):
    return datetime(*parts, tzinfo=TOWN_ZONE)


def test_a_weekly_event_keeps_its_wall_clock_time_across_summer_time():
    market = event(at(2027, 3, 20, 9), at(2027, 3, 20, 13), "WEEKLY", date(2027, 4, 3))
    found = occurrences([market], since=at(2027, 3, 1), until=at(2027, 5, 1))
    assert [
        (o.starts_at.day, o.starts_at.hour, o.starts_at.utcoffset().seconds // 3600) for o in found
    ] == [
        (20, 9, 1),
        (27, 9, 1),
        (3, 9, 2),  # after the change to summer time, still 09:00
    ]


def test_an_occurrence_going_on_now_counts_and_an_ended_one_does_not():
    music = event(at(2026, 11, 26, 15), at(2026, 11, 26, 17))
    assert next_occurrence(music, now=at(2026, 11, 26, 16)).starts_at == at(2026, 11, 26, 15)
    assert next_occurrence(music, now=at(2026, 11, 26, 17)) is None


def test_monthly_until_the_last_day_included():
    walk = event(at(2026, 11, 29, 11), at(2026, 11, 29, 12), "MONTHLY", date(2027, 1, 29))
    found = occurrences([walk], since=at(2026, 11, 1), until=at(2027, 6, 1))
    assert [o.starts_at.date() for o in found] == [
        date(2026, 11, 29),
        date(2026, 12, 29),
        date(2027, 1, 29),
    ]


def test_this_weekend():
    assert weekend_of(date(2026, 11, 26)) == (date(2026, 11, 28), date(2026, 11, 29))
    assert weekend_of(date(2026, 11, 28)) == (date(2026, 11, 28), date(2026, 11, 29))
    assert weekend_of(date(2026, 11, 29)) == (date(2026, 11, 29), date(2026, 11, 29))
