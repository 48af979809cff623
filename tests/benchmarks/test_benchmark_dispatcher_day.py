"""The demo-city-day dispatcher benchmark runs in its smoke size with sane figures."""

from benchmarks import BENCHMARKS
from benchmarks.dispatcher_day import SIZES, build_day, check_plan, run
from logistics.routing import RoutePlan


def test_smoke_figures_are_sane():
    (figures,) = run("smoke")["days"]

    [(orders, couriers)] = SIZES["smoke"]
    assert (figures["orders"], figures["couriers"]) == (orders, couriers) == (40, 3)
    assert figures["delivered"] + figures["unplanned"] == orders
    assert sum(figures["unplanned_reasons"].values()) == figures["unplanned"]
    assert figures["delivered"] > 0
    # Windows are hard constraints: whatever is delivered is delivered within its slot.
    assert figures["on_time_rate"] == 1.0
    assert figures["breaches"] == 0
    assert 0 < figures["km_per_delivered_order"] < figures["baseline_km_per_order"]
    assert 0 < figures["ratio"] < 1
    assert 0 < figures["seconds"] < 10
    assert 1 <= figures["routes"] <= couriers
    # The planner's own budget: 0.5 s + 0.02 s for each of the 80 pickups and deliveries.
    assert figures["time_limit"] == 2.1


def test_the_full_size_plans_the_demo_day_and_a_large_city_day():
    assert SIZES["full"] == [(200, 10), (1000, 30)]
    large = build_day(1000, 30)
    assert len(large.shipments) == 1000 and len(large.vehicles) == 30
    assert len({shipment.id for shipment in large.shipments}) == 1000


def test_the_day_is_deterministic_and_shaped_as_described():
    day, again = build_day(40, 3), build_day(40, 3)
    assert day == again
    assert {
        shipment.delivery_window[1] - shipment.delivery_window[0] for shipment in day.shipments
    } == {2 * 3600}
    assert all(10 * 3600 <= p.delivery_window[0] <= 18 * 3600 for p in day.shipments)
    for shipment in day.shipments:
        assert any(start <= shipment.ready_at <= end for start, end in shipment.pickup_windows)
    assert {vehicle.kind for vehicle in day.vehicles} == {"bike", "cargo_bike"}
    assert {(v.shift_start, v.shift_end) for v in day.vehicles} <= {
        (9 * 3600, 17 * 3600),
        (12 * 3600, 20 * 3600),
    }
    assert all(vehicle.start == vehicle.end == day.hub for vehicle in day.vehicles)


def test_an_empty_plan_has_nothing_on_time_and_no_breaches():
    assert check_plan(build_day(5, 1), RoutePlan()) == (0, 0)


def test_it_is_registered():
    from benchmarks import registry  # noqa: F401

    assert BENCHMARKS["dispatch_city"] is run
