import argparse
import json
import os
import sys

import django

SIZES = ("smoke", "full")


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")
    django.setup()
    from benchmarks import (
        BENCHMARKS,
        registry,  # noqa: F401  (imports every benchmark module)
    )

    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("name", nargs="?", help="a benchmark, 'all', or nothing to list them")
    parser.add_argument("--size", choices=SIZES, default="smoke")
    args = parser.parse_args(argv)
    if args.name is None:
        print("\n".join(sorted(BENCHMARKS)) or "(no benchmarks yet)")
        return 0
    if args.name != "all" and args.name not in BENCHMARKS:
        known = ", ".join(sorted(BENCHMARKS)) or "none yet"
        parser.error(f"unknown benchmark {args.name!r}; known: {known}")
    names = sorted(BENCHMARKS) if args.name == "all" else [args.name]
    for name in names:
        figures = BENCHMARKS[name](args.size)
        print(json.dumps({"benchmark": name, "size": args.size, **figures}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
