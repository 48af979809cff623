"""Opening-hours arithmetic (pure)."""

from datetime import date, datetime, time, timedelta

from shops.hours import Schedule, round_up_to_quarter

# Monday afternoon only, Thursday with a lunch break, Saturday; 24 Dec 2026 closed.
SCHEDULE = Schedule(
    weekly=(
        (0, time(13), time(18)),
        (3, time(9, 30), time(12, 30)),
        (3, time(13, 30), time(21)),
        (5, time(10), time(17)),
    ),
    exceptions={date(2026, 12, 24): ()},
)
THIRTY = timedelta(minutes=30)


def test_periods_and_open_now():
    thursday = datetime(2026, 11, 26, 12, 45)
    assert SCHEDULE.periods_on(thursday.date()) == (
        (time(9, 30), time(12, 30)),
        (time(13, 30), time(21)),
    )
    assert not SCHEDULE.is_open_at(thursday)
    assert SCHEDULE.is_open_at(thursday.replace(hour=14))
    assert SCHEDULE.closes_at(thursday.replace(hour=14)) == time(21)
    assert SCHEDULE.closes_at(thursday) is None


def test_exception_closes_a_normal_day():
    assert SCHEDULE.periods_on(date(2026, 12, 24)) == ()  # a Thursday
    assert SCHEDULE.periods_on(date(2026, 12, 17)) != ()


def test_earliest_pickup_today():
    monday_morning = datetime(2026, 11, 23, 9, 0)
    assert SCHEDULE.earliest_pickup_today(monday_morning, THIRTY) == time(13)
    assert SCHEDULE.earliest_pickup_today(monday_morning.replace(hour=14, minute=7), THIRTY) == (
        time(14, 45)
    )
    assert (
        SCHEDULE.earliest_pickup_today(monday_morning.replace(hour=17, minute=40), THIRTY) is None
    )
    # Thursday at 12:10 plus half an hour falls in the lunch break: the afternoon opening.
    assert SCHEDULE.earliest_pickup_today(datetime(2026, 11, 26, 12, 10), THIRTY) == time(13, 30)
    assert SCHEDULE.earliest_pickup_today(datetime(2026, 11, 24, 10), THIRTY) is None  # Tuesday
    assert SCHEDULE.earliest_pickup_today(datetime(2026, 11, 23, 23, 50), THIRTY) is None


def test_round_up_to_quarter():
    assert round_up_to_quarter(datetime(2026, 1, 1, 10, 0, 30)) == datetime(2026, 1, 1, 10, 0)
    assert round_up_to_quarter(datetime(2026, 1, 1, 10, 1)) == datetime(2026, 1, 1, 10, 15)
    assert round_up_to_quarter(datetime(2026, 1, 1, 23, 50)) == datetime(2026, 1, 2, 0, 0)
