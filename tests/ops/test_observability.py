"""Observability: JSON request logs with a request id that reaches Celery tasks, /metrics for
Prometheus behind a token or allow-list, errors to Sentry without personal data."""

import gzip
import io
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from celery.result import allow_join_result
from django.conf import settings
from django.utils import timezone
from oscar.test.factories import OrderFactory
from prometheus_client.parser import text_string_to_metric_families

from inventory_sync.models import PosConnection
from logistics.models import OrderPart, PartStatus
from marketplace.celery import app
from marketplace.observability.logging import JsonFormatter, RequestIdFilter
from marketplace.tasks import ping
from shops.models import ShopStatus
from tests.conftest import IN_CI, client_for
from tests.factories import ShopFactory, UserFactory, make_offer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-tests"
OUTSIDE = "203.0.113.9"  # not in the default allow-list (loopback)
SECRET_EMAIL = "jan.jansen@example.nl"


@app.task(name="tests.ops.failing_task")
def failing_task():
    raise RuntimeError("this task fails on purpose")


@pytest.fixture
def json_log():
    """Every record logged meanwhile, formatted as production does; returns the parsed lines."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def access_lines(lines):
    return [line for line in lines if line["logger"] == "marketplace.access"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scrape(client, **headers) -> dict[tuple, float]:
    """/metrics as {(sample name, sorted labels): value}."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.status_code
    return parse(response.content.decode())


def parse(text: str) -> dict[tuple, float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


# --- One JSON line per request ---


@pytest.mark.django_db
def test_one_json_line_per_request_with_route_and_no_personal_data(json_log):
    user = UserFactory(email=SECRET_EMAIL, username=SECRET_EMAIL)
    product = make_offer(ShopFactory()).product
    browser = client_for(user, REMOTE_ADDR="198.51.100.23")

    response = browser.get(f"{product.get_absolute_url()}?email={SECRET_EMAIL}&q=jansen")

    assert response.status_code == 200
    [line] = access_lines(json_log())
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["route"] == "catalogue:detail"
    assert line["status"] == 200
    assert 0 < line["duration_ms"] < 60_000
    assert line["request_id"] == response["X-Request-ID"]
    assert line["time"].startswith(str(timezone.now().year))
    raw = json.dumps(json_log())
    path = product.get_absolute_url()
    for personal in (SECRET_EMAIL, "jansen", "198.51.100.23", path, product.slug):
        assert personal not in raw


@pytest.mark.django_db
def test_probes_and_scrapes_are_logged_at_debug_only(json_log, client):
    client.get("/metrics")
    client.get("/healthz")
    assert access_lines(json_log()) == []
    access = logging.getLogger("marketplace.access")
    access.setLevel(logging.DEBUG)
    try:
        client.get("/metrics")
        client.get("/healthz")
    finally:
        access.setLevel(logging.NOTSET)
    lines = access_lines(json_log())
    assert [(line["level"], line["route"]) for line in lines] == [
        ("DEBUG", "metrics"),
        ("DEBUG", "/healthz"),
    ]


@pytest.mark.django_db
def test_a_well_formed_request_id_is_kept_and_returned(json_log, client):
    response = client.get("/metrics", HTTP_X_REQUEST_ID="proxy-4f2a9c1e.77")
    assert response["X-Request-ID"] == "proxy-4f2a9c1e.77"


@pytest.mark.parametrize(
    "sent",
    ["short", "x" * 129, "has space in it", 'quote"injected', "new\nline-12345", "a;b=c&d:e"],
)
@pytest.mark.django_db
def test_a_malformed_request_id_is_replaced_by_a_fresh_one(client, sent):
    first = client.get("/metrics", HTTP_X_REQUEST_ID=sent)["X-Request-ID"]
    second = client.get("/metrics", HTTP_X_REQUEST_ID=sent)["X-Request-ID"]
    assert first != sent and second != sent and first != second
    assert len(first) == 32 and int(first, 16) >= 0


@pytest.mark.django_db
def test_django_error_lines_carry_the_request_id_too(json_log, client):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-404-000001")
    lines = [line for line in json_log() if line.get("request_id") == "trace-404-000001"]
    assert {line["logger"] for line in lines} >= {"marketplace.access", "django.request"}
    assert not [line for line in lines if "request" in line]  # django.request's, with the query


def test_gunicorn_under_production_settings_logs_only_json_and_sums_its_workers_metrics(
    tmp_path,
):
    """Two gunicorn workers with the project's config and the production settings: every line
    is a JSON object, one access line per request (gunicorn's own is off even when asked
    for), and /metrics sums what both workers counted (PROMETHEUS_MULTIPROC_DIR)."""
    port = free_port()
    (tmp_path / "prometheus").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
    }
    env.pop("LOG_FORMAT", None)
    env.pop("REDIS_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn"),
            *("-c", "python:marketplace.observability.gunicorn_conf"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--access-logfile", "-"),
            "marketplace.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        status, _ = get_when_up(f"{base}/api/schema/", {"X-Request-ID": "gunicorn-test-01"})
        for _ in range(8):
            get_when_up(f"{base}/healthz")
        _, scraped = get_when_up(f"{base}/metrics")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    lines = (tmp_path / "gunicorn.log").read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line parses
    assert {"time", "level", "logger", "message"} <= set(records[0])
    mine = [r for r in records if r.get("request_id") == "gunicorn-test-01"]
    [access] = [r for r in mine if r["logger"] == "marketplace.access"]
    assert (access["route"], access["status"]) == ("api-schema", status)
    assert not [r for r in records if r["logger"] == "gunicorn.access"]
    assert any(r["logger"] == "gunicorn.error" for r in records)  # its own lines, as JSON
    count = (
        "stadsmarkt_http_request_duration_seconds_count",
        (("route", "/healthz"), ("status", "2xx")),
    )
    assert parse(scraped)[count] == 8


def get_when_up(url, headers=None, timeout=60) -> tuple[int, str]:
    """(status, body) of a GET, waiting for the server to listen. Only a refused connection
    is tried again: a request the server got is never sent twice (it would log twice)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            response = httpx.get(url, headers=headers, timeout=timeout)
            return response.status_code, response.text
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


# --- /metrics ---


@pytest.mark.django_db
def test_metrics_are_refused_without_token_or_allowed_address(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404
    wrong = {"HTTP_AUTHORIZATION": "Bearer not-the-token", "REMOTE_ADDR": OUTSIDE}
    assert client.get("/metrics", **wrong).status_code == 404
    # X-Forwarded-For is whatever the client writes: it opens nothing.
    assert (
        client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="127.0.0.1").status_code
        == 404
    )
    served = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert served.status_code == 200
    assert served["Content-Type"].startswith("text/plain")
    settings.METRICS_TOKEN = ""  # no token configured: "Bearer " alone must not pass
    assert (
        client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ").status_code == 404
    )
    settings.METRICS_ALLOWED_IPS = ["203.0.113.0/24"]
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 200


@pytest.mark.django_db
def test_metrics_count_request_latency_by_route_and_status_class(client):
    product = make_offer(ShopFactory()).product
    key = (
        "stadsmarkt_http_request_duration_seconds_count",
        (("route", "catalogue:detail"), ("status", "2xx")),
    )
    before = scrape(client).get(key, 0)
    client.get(product.get_absolute_url())
    client.get(product.get_absolute_url())
    after = scrape(client)
    assert after[key] == before + 2
    bucket = ("stadsmarkt_http_request_duration_seconds_bucket", (("le", "+Inf"),) + key[1])
    assert after[bucket] == after[key]


@pytest.mark.django_db
def test_metrics_show_pos_sync_lag_of_active_shops(client):
    now = timezone.now()
    synced = ShopFactory(slug="boekhandel-lag")
    PosConnection.objects.create(
        shop=synced,
        last_event_at=now - timedelta(minutes=90),
        last_full_sync_at=now - timedelta(hours=5),
    )
    never = ShopFactory(slug="nooit-gesynct")
    PosConnection.objects.create(shop=never)
    PosConnection.objects.filter(shop=never).update(created_at=now - timedelta(hours=2))
    paused = ShopFactory(slug="gepauzeerd", status=ShopStatus.PAUSED)
    PosConnection.objects.create(shop=paused, last_event_at=now - timedelta(days=3))

    samples = scrape(client)

    lag = {
        dict(labels)["shop"]: value
        for (name, labels), value in samples.items()
        if name == "stadsmarkt_pos_sync_lag_seconds"
    }
    assert set(lag) == {"boekhandel-lag", "nooit-gesynct"}
    assert 90 * 60 <= lag["boekhandel-lag"] < 90 * 60 + 60  # the newest of event and full sync
    assert 2 * 3600 <= lag["nooit-gesynct"] < 2 * 3600 + 60  # since connecting
    assert samples[("stadsmarkt_metrics_source_up", (("source", "database"),))] == 1


@pytest.mark.django_db
def test_metrics_count_parts_waiting_too_long(client, settings):
    settings.METRICS_PART_ACCEPT_MINUTES = 30
    settings.METRICS_PART_COLLECT_HOURS = 24
    now = timezone.now()
    shop = ShopFactory()

    def part(status, **stamps):
        return OrderPart.objects.create(
            order=OrderFactory(),
            shop=shop,
            method="collect",
            status=status,
            pickup_code="123456",
            subtotal_incl_vat=10,
            **stamps,
        )

    part(PartStatus.PLACED, placed_at=now - timedelta(hours=2))  # waits to be accepted
    part(PartStatus.PLACED, placed_at=now - timedelta(minutes=5))  # still in time
    part(PartStatus.READY, ready_at=now - timedelta(hours=30))  # waits to be collected
    part(PartStatus.READY, ready_at=now - timedelta(hours=3))
    part(PartStatus.AT_HUB, at_hub_at=now - timedelta(hours=25))  # waits at the hub
    part(PartStatus.COLLECTED, ready_at=now - timedelta(days=3))  # done: not waiting

    samples = scrape(client)

    assert samples[("stadsmarkt_parts_waiting_too_long", (("stage", "accept"),))] == 1
    assert samples[("stadsmarkt_parts_waiting_too_long", (("stage", "collect"),))] == 2


@pytest.mark.django_db
def test_metrics_count_tasks_and_failures_by_name(client):
    ok = (
        "stadsmarkt_celery_tasks_total",
        (("state", "SUCCESS"), ("task", "marketplace.tasks.ping")),
    )
    failed = ("stadsmarkt_celery_task_failures_total", (("task", "tests.ops.failing_task"),))
    before = scrape(client)
    ping.apply(args=["x"])
    assert failing_task.apply(throw=False).failed()
    after = scrape(client)
    assert after[ok] == before.get(ok, 0) + 1
    assert after[failed] == before.get(failed, 0) + 1


@pytest.mark.django_db
def test_a_scrape_survives_a_broker_that_does_not_answer(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    samples = scrape(client)
    assert samples[("stadsmarkt_metrics_source_up", (("source", "broker"),))] == 0
    assert not [key for key in samples if key[0] == "stadsmarkt_celery_queue_length"]


@pytest.mark.django_db
def test_metrics_show_the_celery_queue_length(client, settings):
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("REDIS_URL must be set in CI")
        pytest.skip("needs REDIS_URL")
    import redis

    queue = f"test-queue-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.rpush(queue, "a", "b", "c")
    try:
        samples = scrape(client)
    finally:
        broker.delete(queue)
    assert samples[("stadsmarkt_celery_queue_length", (("queue", queue),))] == 3


# --- The request id in a real worker's task log ---


@pytest.fixture
def json_worker(tmp_path):
    """`celery worker` logging JSON to a file, on a queue of its own, its metrics on a port."""
    if not settings.REDIS_URL:
        if IN_CI:
            pytest.fail("REDIS_URL must be set in CI: the worker test needs real Redis")
        pytest.skip("needs REDIS_URL (a real Redis broker)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "LOG_FORMAT": "json",
        "METRICS_PORT": str(port),
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--pool=solo"),
            *("-Q", queue, "--loglevel=INFO"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue, port, log_path
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        print(log_path.read_text()[-5000:])


@pytest.mark.celery_worker
@pytest.mark.django_db
def test_a_task_started_by_a_request_logs_with_the_requests_id(
    json_worker, client, django_capture_on_commit_callbacks, settings
):
    queue, port, log_path = json_worker
    settings.ROOT_URLCONF = "tests.ops.observability_urls"
    rid = f"req-{uuid.uuid4().hex[:12]}"
    app.conf.task_always_eager = False
    try:
        # The task is sent when the request's transaction commits: here after the request
        # has ended, so the id must ride with the task, not sit in the request's context.
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(f"/ops-test/ping/{queue}/", HTTP_X_REQUEST_ID=rid)
        assert response["X-Request-ID"] == rid
        with allow_join_result():
            assert app.AsyncResult(response.json()["task_id"]).get(timeout=60) == (
                "pong:observability"
            )
    finally:
        app.conf.task_always_eager = True

    line = wait_for_line(log_path, lambda r: r.get("task") == "marketplace.tasks.ping")
    assert line["request_id"] == rid
    assert line["state"] == "SUCCESS"
    assert {"time", "level", "logger", "message"} <= set(line)
    worker_metrics = parse(httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text)
    ok = (
        "stadsmarkt_celery_tasks_total",
        (("state", "SUCCESS"), ("task", "marketplace.tasks.ping")),
    )
    assert worker_metrics[ok] == 1


def wait_for_line(path: Path, wanted, timeout=30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for text in path.read_text().splitlines():
            if text.startswith("{") and wanted(record := json.loads(text)):
                return record
        time.sleep(0.2)
    raise AssertionError(f"no such line in the worker's log:\n{path.read_text()[-3000:]}")


# --- Errors to Sentry ---


class FakeSentry(BaseHTTPRequestHandler):
    """Plays Sentry's ingest endpoint: keeps every envelope it is sent."""

    envelopes: list[bytes]

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.envelopes.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_sentry():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


SENTRY_SCRIPT = """
import io, sys
import django, sentry_sdk
from django.core.wsgi import get_wsgi_application
from django.test.utils import override_settings

django.setup()
# Sessions in the cookie: the subprocess has no migrated database to keep them in.
override_settings(
    ROOT_URLCONF="tests.ops.observability_urls",
    SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
).enable()
application = get_wsgi_application()  # as gunicorn calls it, through Sentry's WSGI wrapper
environ = {
    "REQUEST_METHOD": "GET",
    "PATH_INFO": "/ops-test/boom/",
    "QUERY_STRING": "email=jan.jansen@example.nl",
    "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "80",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "HTTP_HOST": "127.0.0.1",
    "REMOTE_ADDR": "198.51.100.23",
    "HTTP_COOKIE": "sessionid=session-cookie-value-secret",
    "HTTP_X_REQUEST_ID": "sentry-trace-0001",
    "HTTP_X_FORWARDED_FOR": "198.51.100.24",
    "HTTP_AUTHORIZATION": "Bearer some-api-token",
    "wsgi.input": io.BytesIO(b""),
    "wsgi.errors": sys.stderr,
    "wsgi.url_scheme": "http",
    "wsgi.version": (1, 0),
    "wsgi.multithread": False,
    "wsgi.multiprocess": False,
    "wsgi.run_once": False,
}
statuses = []
body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
b"".join(body)
body.close()
print(statuses[0])
sentry_sdk.flush(timeout=10)
"""


def test_a_view_error_reaches_sentry_without_personal_data(fake_sentry, tmp_path):
    port = fake_sentry.server_address[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/1",
        "SENTRY_ENVIRONMENT": "test-env",
        "SENTRY_RELEASE": "stadsmarkt@1.2.3",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SENTRY_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1].startswith("500")

    events = [
        json.loads(item)
        for envelope in fake_sentry.envelopes
        for item in envelope.decode().splitlines()
        if item.startswith("{") and '"exception"' in item
    ]
    [event] = events
    [exception] = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("RuntimeError", "a bug in a view")
    assert event["environment"] == "test-env"
    assert event["release"] == "stadsmarkt@1.2.3"
    assert event["tags"]["request_id"] == "sentry-trace-0001"
    assert event["request"]["url"] == "http://127.0.0.1/ops-test/boom/"
    assert "query_string" not in event["request"]
    sent = b"".join(fake_sentry.envelopes).decode()
    for personal in (
        "jan.jansen@example.nl",
        "198.51.100.23",
        "198.51.100.24",
        "session-cookie-value-secret",
        "some-api-token",
    ):
        assert personal not in sent
