import math

from benchmarks import BENCHMARKS
from benchmarks.dispatcher import (
    DATA,
    Outcome,
    instance_class,
    load_instance,
    run,
    solve_instance,
    violations,
)
from logistics import routing

CLASS_FIGURES = {
    "instances",
    "mean_gap_pct_at_bks_vehicles",
    "instances_at_bks_vehicles",
    "mean_gap_pct_all",
    "vehicles_used",
    "bks_vehicles",
    "vehicles_over_bks_pct",
    "mean_seconds",
    "max_seconds",
    "unassigned",
    "violations",
}


def test_smoke_figures_are_sane(monkeypatch, capsys):
    calls = []
    original = routing.plan_routes

    def counting(**arguments):
        plan = original(**arguments)
        calls.append(plan)
        return plan

    monkeypatch.setattr(routing, "plan_routes", counting)
    figures = run("smoke")
    # Every solve goes through the dispatcher's routing layer: at least a fleet solve per instance.
    assert len(calls) >= 2
    assert sum(len(plan.routes) for plan in calls) >= figures["vehicles_used"]
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


def test_figures_per_class_and_overall(capsys):
    figures = run("smoke")
    assert set(figures) >= CLASS_FIGURES
    assert set(figures["per_class"]) == {"lc1"}  # smoke: lc101 and lc102
    per_class = figures["per_class"]["lc1"]
    assert set(per_class) == CLASS_FIGURES
    assert per_class["instances"] == figures["instances"] == 2
    assert per_class["vehicles_used"] == figures["vehicles_used"]
    assert [row["instance"] for row in figures["per_instance"]] == ["lc101", "lc102"]
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split()[0] == "class"
    assert [line.split()[0] for line in printed[1:]] == ["lc1", "overall"]


def test_instance_classes_come_from_the_names():
    assert [instance_class(name) for name in ("lc101", "lr208", "lrc105", "LRC2_10_1")] == [
        "lc1",
        "lr2",
        "lrc1",
        "lrc2",
    ]
