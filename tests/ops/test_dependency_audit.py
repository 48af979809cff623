"""`make test`'s dependency audit (deploy/audit_dependencies.py): what each pip-audit report
means for the build. The report shapes are pip-audit's JSON format."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [
        {
            "id": "PYSEC-2025-1",
            "aliases": ["CVE-2025-0001", "GHSA-xxxx-yyyy-zzzz"],
            "fix_versions": ["5.2.2"],
            "description": "...",
        }
    ],
}
CLEAN = {"name": "celery", "version": "5.5.0", "vulns": []}


def test_an_unlisted_vulnerability_fails_the_build():
    verdict = audit.judge({"dependencies": [VULNERABLE, CLEAN]}, ignored={})
    assert verdict.status == 1
    assert "VULNERABLE: django==5.2.1 PYSEC-2025-1 (fixed in: 5.2.2)" in verdict.lines


def test_a_vulnerability_listed_with_a_reason_passes_under_any_of_its_ids():
    ignored = audit.read_ignored("# accepted\nCVE-2025-0001 only the admin's X, switched off\n")
    verdict = audit.judge({"dependencies": [VULNERABLE, CLEAN]}, ignored=ignored)
    assert verdict.status == 0
    assert verdict.lines == [
        "ignored: django==5.2.1 PYSEC-2025-1 (only the admin's X, switched off)"
    ]


def test_an_id_without_a_reason_is_refused():
    with pytest.raises(ValueError, match="PYSEC-2025-1 has no reason"):
        audit.read_ignored("PYSEC-2025-1\n")


def test_clean_pins_pass():
    assert audit.judge({"dependencies": [CLEAN]}, ignored={}).status == 0


def test_an_unreachable_service_warns_and_does_not_fail():
    skipped = [
        {"name": n, "skip_reason": "Dependency not found on PyPI and could not be audited"}
        for n in ("django", "celery", "stripe")
    ]
    verdict = audit.judge({"dependencies": skipped}, ignored={})
    assert verdict.status == 0
    assert verdict.lines[0].startswith("WARNING: dependency audit NOT done: 3 of 3")


def test_no_report_at_all_warns_and_does_not_fail(monkeypatch, tmp_path):
    monkeypatch.setattr(audit, "run_pip_audit", lambda constraints: None)
    assert audit.main(["audit", str(tmp_path / "constraints.txt"), str(tmp_path / "none")]) == 0


def test_the_projects_ignore_file_reads():
    audit.read_ignored((SCRIPT.parents[1] / ".pip-audit-ignore").read_text())
