"""Reproducible benchmarks: `python -m benchmarks <name> --size smoke|full`.

Each benchmark measures our path and its baseline side by side in one run and prints,
as its last line, one JSON object with both figures and their ratio.
"""

from collections.abc import Callable

# name -> function(size) returning the figures dict; filled in by the benchmark modules.
BENCHMARKS: dict[str, Callable[[str], dict]] = {}


def benchmark(name: str):
    def register(function: Callable[[str], dict]) -> Callable[[str], dict]:
        BENCHMARKS[name] = function
        return function

    return register
