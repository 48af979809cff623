"""The domain packages depend on each other in one direction only: no import cycle between
them, payments never imports ordering and logistics never imports payments (they talk
through marketplace.events instead). Imports are read from the source (ast), including
those inside functions, so a late import cannot hide a cycle."""

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "marketplace.community",
    "marketplace.campaigns",
    "marketplace.returns",
    "marketplace.ordering",
    "marketplace.payments",
    "marketplace.giftcards",
    "marketplace.commission",
    "marketplace.reroute",
    "logistics",
    "inventory_sync",
    "shops",
)
# Bottom to top, as docs/architecture.md draws them: an import may only point down.
LAYERS = (
    "shops",
    "inventory_sync",
    "logistics",
    "marketplace.payments",
    "marketplace.giftcards",
    "marketplace.commission",
    "marketplace.campaigns",
    "marketplace.reroute",
    "marketplace.ordering",
    "marketplace.returns",
    "marketplace.community",
)
FORBIDDEN = {
    ("marketplace.payments", "marketplace.ordering"),
    ("logistics", "marketplace.payments"),
}

Graph = dict[str, set[str]]


def package_of(module: str) -> str | None:
    for package in PACKAGES:
        if module == package or module.startswith(package + "."):
            return package
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, absolute, anywhere in the file. For `from a import b`
    both `a` and `a.b` count (b may be a module)."""
    here = module_name(path)
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                # `from .x` in a package's __init__ is relative to the package itself.
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> tuple[Graph, dict[tuple[str, str], list[str]]]:
    """Package -> packages it imports, and for each edge the files that make it."""
    graph: Graph = {package: set() for package in PACKAGES}
    why: dict[tuple[str, str], list[str]] = defaultdict(list)
    for package in PACKAGES:
        for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
            for module in imported_modules(path):
                target = package_of(module)
                if target and target != package:
                    graph[package].add(target)
                    file = str(path.relative_to(ROOT))
                    if file not in why[(package, target)]:
                        why[(package, target)].append(file)
    return graph, why


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan), each sorted: every
    group holds at least one cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def described(groups, graph, why) -> str:
    lines = []
    for group in groups:
        for source in group:
            for target in sorted(graph[source] & set(group)):
                lines.append(f"{source} -> {target}: {', '.join(why[(source, target)])}")
    return "\n".join(lines)


def test_the_domain_packages_import_each_other_in_one_direction_only():
    graph, why = import_graph()
    groups = cycles(graph)
    assert groups == [], "import cycles between packages:\n" + described(groups, graph, why)


def test_payments_never_imports_ordering_and_logistics_never_imports_payments():
    graph, why = import_graph()
    found = {
        (source, target): why[(source, target)]
        for source, target in FORBIDDEN
        if target in graph[source]
    }
    assert found == {}


def test_every_import_between_domain_packages_points_down_the_layers():
    graph, why = import_graph()
    rank = {package: number for number, package in enumerate(LAYERS)}
    upward = {
        (source, target): why[(source, target)]
        for source, targets in graph.items()
        for target in targets
        if rank[target] > rank[source]
    }
    assert upward == {}


def test_the_cycle_finder_finds_a_planted_cycle_and_nothing_else():
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(planted) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) == []
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}) == [["a", "b"], ["c", "d"]]


def test_the_reader_sees_imports_inside_functions_and_relative_ones(tmp_path, monkeypatch):
    package = tmp_path / "logistics"
    package.mkdir()
    (package / "__init__.py").write_text("from .models import Part\n")
    (package / "late.py").write_text(
        "def refund():\n    from marketplace.payments.transfers import refund_part_payment\n"
        "    from . import models\n    from ..shops import services\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert imported_modules(package / "__init__.py") >= {"logistics.models"}
    assert imported_modules(package / "late.py") >= {
        "marketplace.payments.transfers",
        "logistics.models",
        "shops.services",
    }
