import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_listing_benchmarks_works():
    result = run()
    assert result.returncode == 0, result.stderr


def test_unknown_benchmark_is_a_clear_error():
    result = run("no-such-thing", "--size", "smoke")
    assert result.returncode == 2
    assert "unknown benchmark 'no-such-thing'" in result.stderr


def test_bad_size_is_refused():
    result = run("all", "--size", "huge")
    assert result.returncode == 2
    assert "invalid choice: 'huge'" in result.stderr


def test_a_benchmark_prints_its_figures_as_the_last_json_line(capsys, monkeypatch):
    from benchmarks import BENCHMARKS, benchmark
    from benchmarks.__main__ import main

    monkeypatch.setitem(BENCHMARKS, "example", None)

    @benchmark("example")
    def example(size: str) -> dict:
        print("warming up")
        return {"ours_per_s": 200.0, "baseline_per_s": 50.0, "ratio": 4.0, "size_seen": size}

    assert main(["example", "--size", "smoke"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == {
        "benchmark": "example",
        "size": "smoke",
        "ours_per_s": 200.0,
        "baseline_per_s": 50.0,
        "ratio": 4.0,
        "size_seen": "smoke",
    }
