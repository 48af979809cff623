"""The larger-days benchmark against a long VROOM run: its generator and its smoke size."""

import math
import statistics

from benchmarks import BENCHMARKS
from benchmarks.dispatch_reference import (
    HORIZON,
    SIZES,
    generate,
    reference_solve,
    run,
)
from benchmarks.dispatcher import Outcome, as_routing_problem, violations
from logistics import routing


def test_instances_are_reproducible_wide_window_pickup_and_delivery_days():
    instance = generate(200, "lrc2")
    assert instance == generate(200, "lrc2") != generate(200, "lrc2", seed=1)
    assert (len(instance.nodes), len(instance.pairs), instance.vehicles) == (201, 100, 40)
    widths = [node.latest - node.earliest for node in instance.nodes[1:]]
    assert min(widths) >= 50 and 250 <= statistics.mean(widths) <= 320  # wide, as in class 2
    for pickup, delivery in instance.pairs:
        assert instance.nodes[delivery].demand == -instance.nodes[pickup].demand
        # Each pair alone on one vehicle is on time: the instance is feasible.
        alone = Outcome(((0, pickup, delivery, 0),), 0)
        assert violations(instance, alone) == 0, (pickup, delivery)
    assert instance.nodes[0].latest == HORIZON


def test_the_reference_plans_every_pair_and_its_routes_check_out():
    instance = generate(40, "lc2")
    outcome = reference_solve(instance, seconds=1.0)
    visited = sorted(index for route in outcome.routes for index in route[1:-1])
    assert visited == list(range(1, 41)) and outcome.unassigned == 0
    assert violations(instance, outcome) == 0


def test_smoke_figures_are_sane(capsys):
    figures = run("smoke")

    (row,) = figures["per_instance"]
    [(tasks, kind)], _ = SIZES["smoke"]
    assert (row["instance"], row["tasks"]) == (f"{kind}_{tasks}", tasks) == ("lrc2_40", 40)
    assert figures["unassigned"] == 0 and figures["violations"] == 0
    assert row["vehicles"] >= 1 and row["reference_vehicles"] >= 1
    assert math.isfinite(row["gap_pct"]) and row["distance"] > 0
    expected = routing.planning_budget(as_routing_problem(generate(40, "lrc2"), fleet=1)[1])
    assert row["budget"] == round(expected, 3) == 1.3
    assert row["seconds"] < row["budget"] + 2
    assert figures["instances_at_equal_vehicles"] == int(row["equal_vehicles"])
    assert figures["goals"] == "gap_pct <= 2 at equal vehicles, vehicles_gap_pct <= 5"
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split()[0] == "instance" and printed[1].split()[0] == "lrc2_40"


def test_it_is_registered():
    from benchmarks import registry  # noqa: F401

    assert BENCHMARKS["dispatch_reference"] is run
