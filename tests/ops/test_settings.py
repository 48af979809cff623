"""Settings come from the environment: each variant is loaded in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process only.
VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "CI",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "host": settings.DATABASES["default"].get("HOST", ""),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "debug": settings.DEBUG,
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "reject_on_worker_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
}))
"""
SECRET = "k8#v2!q9Lz@t4Rw^x7Pm&y1Nb$c6Hs*d3Jf(e5Gg)h0Ka-u8Wo+i2Xl=r4Yn_s7Zp"


def run(code: str, settings_module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    clean.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def load(settings_module: str = "marketplace.settings.base", **env: str) -> dict:
    result = run(PROBE, settings_module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_set_means_sqlite_in_the_project_local_cache_and_eager_tasks():
    loaded = load()
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(ROOT / "db.sqlite3")
    assert loaded["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert loaded["eager"] is True
    assert loaded["broker"] == "memory://"


def test_database_url_selects_postgresql():
    loaded = load(DATABASE_URL="postgres://shop:secret@db.internal:5433/stadsmarkt")
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert (loaded["name"], loaded["host"]) == ("stadsmarkt", "db.internal")


def test_redis_url_selects_redis_cache_and_broker_and_real_workers():
    loaded = load(REDIS_URL="redis://cache.internal:6380/2")
    assert loaded["cache"] == "marketplace.optional_cache.OptionalRedisCache"
    assert loaded["cache_location"] == "redis://cache.internal:6380/2"
    assert loaded["broker"] == "redis://cache.internal:6380/2"
    assert loaded["eager"] is False


def test_celery_is_configured_for_reliability():
    loaded = load(REDIS_URL="redis://127.0.0.1:6379/0")
    assert loaded["acks_late"] is True
    assert loaded["reject_on_worker_lost"] is True
    assert 0 < loaded["time_limit"] <= 3600


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secret_or_hosts(missing):
    env = {"DJANGO_SECRET_KEY": SECRET, "DJANGO_ALLOWED_HOSTS": "markt.example"}
    del env[missing]
    result = run(PROBE, "marketplace.settings.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_passes_the_deploy_check_without_warnings():
    result = run(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        "marketplace.settings.production",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="markt.example,www.markt.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_turns_debug_off():
    loaded = load(
        "marketplace.settings.production",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="markt.example",
    )
    assert loaded["debug"] is False
