"""Known vulnerabilities in the pinned dependencies (constraints.txt), for `make test`.

Runs pip-audit on the exact pins (no resolving, no install) and fails when a pin has a known
vulnerability whose id is not listed, with a reason, in .pip-audit-ignore. pip-audit asks
PyPI's JSON API for each pinned version; when that service cannot be reached, or answers for
none of the pins (a registry mirror without the per-version API), the audit has not happened:
that is said loudly, and the run does not fail, so a machine that reaches only the package
registries can still run the suite.

Usage: python deploy/audit_dependencies.py [constraints.txt] [.pip-audit-ignore]
Exit: 0 clean or not audited (warning printed), 1 an unlisted vulnerability, 2 a bad ignore file.
"""

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_AUDITED_SHARE = 0.5  # more pins skipped than this: the service did not answer


@dataclass(frozen=True)
class Verdict:
    status: int
    lines: list[str]


def read_ignored(text: str) -> dict[str, str]:
    """`ID  reason` per line; # starts a comment. An id without a reason is an error."""
    ignored = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        vulnerability_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise ValueError(f".pip-audit-ignore line {number}: {vulnerability_id} has no reason")
        ignored[vulnerability_id] = reason.strip()
    return ignored


def judge(report: dict, ignored: dict[str, str]) -> Verdict:
    """What pip-audit's JSON report means for the build."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if not dependencies or len(skipped) > NOT_AUDITED_SHARE * len(dependencies):
        return Verdict(
            0,
            [
                f"WARNING: dependency audit NOT done: {len(skipped)} of {len(dependencies)} "
                "pins could not be looked up (the vulnerability service is not reachable).",
            ],
        )
    lines, failing = [], False
    for dependency in dependencies:
        for vulnerability in dependency.get("vulns", []):
            ids = [vulnerability["id"], *vulnerability.get("aliases", [])]
            where = f"{dependency['name']}=={dependency['version']} {vulnerability['id']}"
            listed = next((ignored[i] for i in ids if i in ignored), None)
            if listed:
                lines.append(f"ignored: {where} ({listed})")
            else:
                failing = True
                fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fix yet"
                lines.append(f"VULNERABLE: {where} (fixed in: {fixed})")
    if skipped:
        lines.append(
            f"note: {len(skipped)} pins not audited: " + ", ".join(d["name"] for d in skipped)
        )
    if failing:
        lines.append("Upgrade the pins above, or list the id in .pip-audit-ignore with a reason.")
    return Verdict(1 if failing else 0, lines or ["No known vulnerabilities in the pins."])


def run_pip_audit(constraints: Path) -> dict | None:
    command = [
        sys.executable, "-m", "pip_audit", "--requirement", str(constraints), "--no-deps",
        "--disable-pip", "--format", "json", "--progress-spinner", "off", "--timeout", "15",
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)  # noqa: S603
    except subprocess.TimeoutExpired:
        return None
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stderr.strip()[-2000:], file=sys.stderr)
        return None  # pip-audit stopped before a report: no network, DNS, ...


def main(argv: list[str]) -> int:
    constraints = Path(argv[1]) if len(argv) > 1 else ROOT / "constraints.txt"
    ignore_file = Path(argv[2]) if len(argv) > 2 else ROOT / ".pip-audit-ignore"
    try:
        ignored = read_ignored(ignore_file.read_text() if ignore_file.exists() else "")
    except ValueError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    report = run_pip_audit(constraints)
    if report is None:
        print("WARNING: dependency audit NOT done: pip-audit could not reach its service.")
        return 0
    verdict = judge(report, ignored)
    print("\n".join(verdict.lines))
    return verdict.status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
