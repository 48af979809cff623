"""docker-compose.yml runs the production-like stack; its commands must exist here."""

import importlib
import shlex
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

from tests.test_settings import load

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
VENV_BIN = Path(sys.executable).parent


def command_of(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else command


def test_the_stack_has_its_services_with_health_checks_and_volumes():
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(SERVICES)
    for name in ("web", "worker", "postgres", "redis"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "redis-data:/data" in SERVICES["redis"]["volumes"]
    assert {"postgres-data", "redis-data", "media"} <= set(COMPOSE["volumes"])
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    assert (ROOT / SERVICES["web"].get("build", ".") / "Dockerfile").exists()


def test_web_runs_gunicorn_on_our_wsgi_application():
    command = command_of("web")
    assert command[0] == "gunicorn"
    assert (VENV_BIN / "gunicorn").exists()
    module_name, attribute = command[1].split(":")
    assert module_name == "marketplace.wsgi"
    assert callable(getattr(importlib.import_module(module_name), attribute))


@pytest.mark.parametrize("service,subcommand", [("worker", "worker"), ("beat", "beat")])
def test_worker_and_beat_run_our_celery_app(service, subcommand):
    command = command_of(service)
    assert command[:3] == ["celery", "-A", "marketplace"]
    assert command[3] == subcommand
    assert (VENV_BIN / "celery").exists()
    from celery.bin.celery import celery as celery_cli

    from marketplace import celery_app

    assert celery_app.main == "marketplace"
    assert subcommand in celery_cli.commands


def test_migrate_runs_a_management_command_that_exists():
    command = command_of("migrate")
    assert command[:2] == ["python", "manage.py"]
    assert command[2] in get_commands()
    assert SERVICES["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )


def test_the_app_environment_loads_the_production_settings():
    env = {k: str(v) for k, v in SERVICES["web"]["environment"].items()}
    env = {k: v.split(":-", 1)[-1].rstrip("}") if v.startswith("${") else v for k, v in env.items()}
    loaded = load(env.pop("DJANGO_SETTINGS_MODULE"), **env)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["host"] == "postgres"
    assert loaded["broker"] == "redis://redis:6379/0"
    assert loaded["debug"] is False
