"""Schedule.next_opening and Schedule.regular_periods (pure)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from shops.hours import Schedule

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Monday afternoon, Thursday with a lunch break, Saturday; Thursday 24 Dec 2026 closed and
# Saturday 26 Dec 2026 open shorter.
SCHEDULE = Schedule(
    weekly=(
        (0, time(13), time(18)),
        (3, time(13, 30), time(21)),
        (3, time(9, 30), time(12, 30)),
        (5, time(10), time(17)),
    ),
    exceptions={date(2026, 12, 24): (), date(2026, 12, 26): ((time(12), time(16)),)},
)


def test_closed_in_the_lunch_break_opens_the_same_afternoon():
    assert SCHEDULE.next_opening(datetime(2026, 11, 26, 12, 45)) == datetime(2026, 11, 26, 13, 30)


def test_before_the_first_period_opens_that_morning():
    assert SCHEDULE.next_opening(datetime(2026, 11, 26, 7, 0)) == datetime(2026, 11, 26, 9, 30)


def test_while_open_it_is_the_opening_after_the_current_period():
    assert SCHEDULE.next_opening(datetime(2026, 11, 26, 10, 0)) == datetime(2026, 11, 26, 13, 30)
    assert SCHEDULE.next_opening(datetime(2026, 11, 26, 14, 0)) == datetime(2026, 11, 28, 10, 0)


def test_at_the_opening_minute_it_is_the_next_one():
    assert SCHEDULE.next_opening(datetime(2026, 11, 28, 10, 0)) == datetime(2026, 11, 30, 13, 0)


def test_skips_closed_weekdays_and_closed_exceptions():
    # Tuesday evening: Wednesday is closed, so Thursday morning.
    assert SCHEDULE.next_opening(datetime(2026, 11, 24, 20, 0)) == datetime(2026, 11, 26, 9, 30)
    # Wednesday 23 Dec: Thursday 24 Dec is closed, Saturday 26 Dec opens late.
    assert SCHEDULE.next_opening(datetime(2026, 12, 23, 8, 0)) == datetime(2026, 12, 26, 12, 0)


def test_keeps_the_time_zone_and_wall_clock_across_a_dst_change():
    # Saturday 24 Oct 2026 evening (CEST); Monday 26 Oct opens at 13:00 CET.
    before = datetime(2026, 10, 24, 18, 0, tzinfo=AMSTERDAM)
    opening = SCHEDULE.next_opening(before)
    assert opening == datetime(2026, 10, 26, 13, 0, tzinfo=AMSTERDAM)
    assert opening.utcoffset().total_seconds() == 3600


def test_none_when_nothing_opens_within_the_horizon():
    assert Schedule(weekly=()).next_opening(datetime(2026, 11, 26, 12)) is None
    closed_for_weeks = Schedule(
        weekly=((0, time(9), time(17)),),
        exceptions={date(2026, 11, 30): (), date(2026, 12, 7): ()},
    )
    assert closed_for_weeks.next_opening(datetime(2026, 11, 26), horizon_days=10) is None
    assert closed_for_weeks.next_opening(datetime(2026, 11, 26)) == datetime(2026, 12, 14, 9)


def test_regular_periods_ignore_exceptions_and_are_sorted():
    assert SCHEDULE.regular_periods(3) == ((time(9, 30), time(12, 30)), (time(13, 30), time(21)))
    assert SCHEDULE.regular_periods(2) == ()
    assert SCHEDULE.regular_periods(5) == ((time(10), time(17)),)
