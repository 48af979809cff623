import math

from benchmarks import BENCHMARKS
from benchmarks.dispatcher import DATA, Outcome, load_instance, run, solve_instance, violations


def test_smoke_figures_are_sane():
    figures = run("smoke")
    gap = figures["mean_gap_pct_at_bks_vehicles"]
    assert figures["instances"] == 2
    assert gap is not None and math.isfinite(gap) and gap >= -0.01
    assert math.isfinite(figures["mean_gap_pct_all"])
    assert figures["vehicles_used"] > 0 and figures["bks_vehicles"] > 0
    assert figures["unassigned"] == 0 and figures["violations"] == 0
    assert 0 < figures["max_seconds"] < 10


def test_the_benchmark_is_registered():
    from benchmarks import registry  # noqa: F401

    assert BENCHMARKS["dispatch_lilim"] is run


def test_an_instance_is_read_and_its_solution_checks_out():
    instance = load_instance(DATA / "lc101.txt")
    assert (instance.vehicles, instance.capacity, len(instance.nodes)) == (25, 200, 107)
    assert len(instance.pairs) == 53
    outcome = solve_instance(instance, budget=1.0)
    visited = sorted(i for route in outcome.routes for i in route[1:-1])
    assert visited == list(range(1, 107))  # every pickup and delivery exactly once
    assert violations(instance, outcome) == 0
    backwards = Outcome(tuple(tuple(reversed(route)) for route in outcome.routes), 0)
    assert violations(instance, backwards) > 0  # the checker does catch late and early drops
