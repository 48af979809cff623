"""`make demo` runs on SQLite, the embedded default: every migration must apply there from
nothing. SQLite rebuilds a table to rename a column, and a rename once failed there (an
index still named the old column) while every PostgreSQL test passed."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_migration_applies_to_a_fresh_sqlite_database(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'demo.sqlite3'}"

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip

    migrated = manage("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    plan = manage("showmigrations", "--plan")
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert "[X]" in plan.stdout
    assert "[ ]" not in plan.stdout
