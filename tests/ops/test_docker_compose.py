"""docker-compose.yml runs the production-like stack. Docker cannot run here, so the file is
read as compose reads it (YAML, then ${VAR} interpolation) and its structure is checked:
only the proxy publishes a port, web scales, worker and beat wait for migrate, secrets have
no defaults, health checks use /healthz and /readyz, media go to MinIO."""

import importlib
import re
import shlex
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

from benchmarks.stack import render_template
from tests.ops.test_settings import load

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SECRETS = {"DJANGO_SECRET_KEY": "k" * 50, "MINIO_ROOT_PASSWORD": "minio-password-1"}


class MissingVariable(Exception):
    pass


def interpolate(value, env: dict[str, str]):
    """Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
    ${VAR?error}, $VAR and $$ (a literal $), applied to every string of the file."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, argument = match.group(2), match.group(3)
        present = name in env and (env[name] != "" or operator in ("-", "?"))
        if present:
            return env[name]
        if operator in (":?", "?"):
            raise MissingVariable(f"required variable {name} is missing a value: {argument}")
        return argument if operator in (":-", "-") else ""

    pattern = r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
    return re.sub(pattern, substitute, value)


def compose(env: dict[str, str] | None = None) -> dict:
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return interpolate(raw, SECRETS if env is None else env)


COMPOSE = compose()
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")


def command_of(service: str) -> list[str]:
    command = SERVICES[service]["command"]
    return shlex.split(command) if isinstance(command, str) else command


def healthcheck_of(service: str) -> str:
    test = SERVICES[service]["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_the_stack_has_its_services_with_health_checks_and_volumes():
    assert {
        "proxy", "web", "worker", "beat", "migrate", "postgres", "redis", "minio", "media-bucket",
    } <= set(SERVICES)  # fmt: skip
    for name in ("proxy", "web", "worker", "postgres", "redis", "minio"):
        assert healthcheck_of(name), name
    assert "postgres-data:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "redis-data:/data" in SERVICES["redis"]["volumes"]
    assert "minio-data:/data" in SERVICES["minio"]["volumes"]
    assert {"postgres-data", "redis-data", "minio-data"} <= set(COMPOSE["volumes"])
    assert (ROOT / SERVICES["web"].get("build", ".") / "Dockerfile").exists()


def test_only_the_proxy_publishes_a_port_so_web_scales():
    published = {name: service["ports"] for name, service in SERVICES.items() if "ports" in service}
    assert published == {"proxy": ["8000:80"]}
    assert compose({**SECRETS, "HTTP_PORT": "80"})["services"]["proxy"]["ports"] == ["80:80"]
    assert SERVICES["web"]["expose"] == ["8000"]
    assert "container_name" not in SERVICES["web"]  # a fixed name would forbid --scale


def test_the_health_checks_use_healthz_and_readyz():
    assert "http://127.0.0.1:8000/readyz" in healthcheck_of("web")
    assert "http://127.0.0.1/healthz" in healthcheck_of("proxy")
    # The web check is Python's urlopen: a 503 from /readyz raises, so the check fails.
    assert healthcheck_of("web").startswith("CMD python -c import urllib.request")


@pytest.mark.parametrize("secret", sorted(SECRETS))
def test_compose_refuses_to_start_without_each_secret_and_says_so(secret):
    with pytest.raises(MissingVariable, match=secret):
        compose({name: value for name, value in SECRETS.items() if name != secret})
    with pytest.raises(MissingVariable, match=secret):
        compose({**SECRETS, secret: ""})
    for name in APP_SERVICES:
        env = SERVICES[name]["environment"]
        assert env["DJANGO_SECRET_KEY"] == SECRETS["DJANGO_SECRET_KEY"]
        assert env["AWS_SECRET_ACCESS_KEY"] == SECRETS["MINIO_ROOT_PASSWORD"]


@pytest.mark.parametrize("service", ["web", "worker", "beat", "relay"])
def test_web_worker_and_beat_wait_for_migrate_and_the_bucket(service):
    depends = SERVICES[service]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["media-bucket"]["condition"] == "service_completed_successfully"
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert "migrate" not in SERVICES["migrate"]["depends_on"]


def test_the_proxy_uses_the_projects_nginx_template_with_every_value_set():
    proxy = SERVICES["proxy"]
    assert proxy["image"].startswith("nginx:1.28")  # `resolve` in upstreams needs 1.27.3+
    assert "./deploy/nginx/templates:/etc/nginx/templates:ro" in proxy["volumes"]
    env = proxy["environment"]
    assert all(
        re.match(env["NGINX_ENVSUBST_FILTER"], name)
        for name in env
        if name != "NGINX_ENVSUBST_FILTER"
    )
    config = render_template(env)  # raises when a placeholder has no value
    assert "server web:8000 resolve;" in config
    assert "resolver 127.0.0.11 " in config
    assert "listen 80 default_server;" in config
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"


def test_media_go_to_the_minio_bucket_that_the_proxy_serves():
    app_env = SERVICES["web"]["environment"]
    bucket = app_env["AWS_STORAGE_BUCKET_NAME"]
    assert bucket == "stadsmarkt-media"
    assert SERVICES["proxy"]["environment"]["NGINX_MEDIA_BUCKET"] == bucket
    assert SERVICES["media-bucket"]["environment"]["MEDIA_BUCKET"] == bucket
    assert app_env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert "server minio:9000 resolve;" in SERVICES["proxy"]["environment"]["NGINX_MEDIA_SERVERS"]
    script = " ".join(SERVICES["media-bucket"]["command"])
    assert 'mc mb --ignore-existing "stack/$MEDIA_BUCKET"' in script
    assert 'mc anonymous set download "stack/$MEDIA_BUCKET"' in script
    assert SERVICES["media-bucket"]["depends_on"]["minio"]["condition"] == "service_healthy"
    assert SERVICES["media-bucket"]["restart"] == "no"


def test_web_runs_gunicorn_on_our_wsgi_application_with_our_config():
    command = command_of("web")
    assert command[0] == "gunicorn"
    assert (VENV_BIN / "gunicorn").exists()
    # JSON error log, no access log of gunicorn's own (the middleware writes one line).
    config = command[command.index("-c") + 1]
    assert config == "python:marketplace.observability.gunicorn_conf"
    assert importlib.import_module(config.removeprefix("python:")).accesslog is None
    [application] = [part for part in command[1:] if part.startswith("marketplace.wsgi")]
    module_name, attribute = application.split(":")
    assert module_name == "marketplace.wsgi"
    assert callable(getattr(importlib.import_module(module_name), attribute))


def test_web_and_worker_keep_metrics_in_a_fresh_directory_of_their_own():
    for name in ("web", "worker"):
        service = SERVICES[name]
        assert service["environment"]["PROMETHEUS_MULTIPROC_DIR"] in service["tmpfs"], name
    assert SERVICES["worker"]["environment"]["METRICS_PORT"]
    assert "ports" not in SERVICES["worker"]


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
    assert SERVICES["migrate"]["restart"] == "no"


def test_the_app_environment_loads_the_production_settings():
    env = {k: str(v) for k, v in SERVICES["web"]["environment"].items()}
    loaded = load(env.pop("DJANGO_SETTINGS_MODULE"), **env)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["host"] == "postgres"
    assert loaded["broker"] == "redis://redis:6379/0"
    assert loaded["debug"] is False


def test_the_relay_runs_the_outbox_relay_in_a_loop():
    command = command_of("relay")
    assert command[:3] == ["python", "manage.py", "relay_outbox"]
    assert command[2] in get_commands()
    assert "--loop" in command
