import io
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone, translation

from tests.support.fast_flush import delete_instead_of_truncate

# CI runs against real PostgreSQL and Redis; a missing service there is a failure, not a skip.
IN_CI = os.environ.get("CI", "").lower() == "true"
DEMO_TODAY = date(2026, 11, 23)
DEMO_SEED = 7
# `make test` runs the serial pass beside the pass with the clock moved ahead, which reuses the
# first pass's databases: the serial pass has a database and Redis databases of its own.
TEST_PASS = os.environ.get("TEST_PASS", "")


def own_redis_database() -> None:
    """Gives each pytest-xdist worker a Redis database of its own: a test's cache.clear()
    empties a whole database, which must not wipe another worker's cache mid-test. The
    environment carries it to the workers and benchmarks the tests start."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    base = settings.REDIS_URL
    if not (base and worker.startswith("gw")):
        return
    url, _, number = base.rstrip("/").rpartition("/")
    if not number.isdigit():
        url, number = base.rstrip("/"), "0"
    index = int(number) + int(worker[2:]) + (8 if TEST_PASS else 0)  # 8: past the workers
    own = f"{url}/{index % 16}"
    os.environ["REDIS_URL"] = settings.REDIS_URL = own
    settings.CACHES["default"]["LOCATION"] = own
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        if getattr(settings, name) == base:
            setattr(settings, name, own)
            os.environ.pop(name, None)
    from marketplace.celery import app

    app.conf.update(
        broker_url=settings.CELERY_BROKER_URL, result_backend=settings.CELERY_RESULT_BACKEND
    )


own_redis_database()
delete_instead_of_truncate()


def sleep_under_faketime() -> None:
    """Under libfaketime with the real monotonic clock (.ci/run's pass 400 days ahead),
    time.sleep fails with EINVAL: libfaketime 0.9.10 shifts the absolute monotonic deadline
    that Python 3.11 gives clock_nanosleep. A timed wait on an event sleeps as long."""
    if "faketime" not in os.environ.get("LD_PRELOAD", ""):
        return

    def sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        threading.Event().wait(seconds)

    time.sleep = sleep


sleep_under_faketime()


def set_clock(monkeypatch, moment: datetime, *, ticking: bool = False) -> None:
    """Moves this process's clock to `moment`: Django's timezone.now, and with it localtime,
    localdate and auto_now, plus the modules that imported `now` by name (Oscar's order
    date_placed among them), so data the test builds comes from the same clock as the code
    under test. Ticking keeps time moving from `moment`; otherwise it stands still."""
    real_now = timezone.now
    if ticking:
        shift = moment - real_now()

        def fixed():
            return real_now() + shift
    else:

        def fixed():
            return moment

    for module in list(sys.modules.values()):
        if module is not None and vars(module).get("now") is real_now:
            monkeypatch.setattr(module, "now", fixed)
    monkeypatch.setattr(timezone, "now", fixed)


@contextmanager
def clock_at(moment: datetime, *, ticking: bool = True):
    """set_clock for a block (module-scoped fixtures cannot take monkeypatch)."""
    with pytest.MonkeyPatch.context() as patch:
        set_clock(patch, moment, ticking=ticking)
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Adds TEST_PASS to the test databases' names (test_<name>_gw0_serial). SQLite's test
    databases live in memory, one per process: nothing to keep apart."""
    if not TEST_PASS:
        return
    for database in settings.DATABASES.values():
        test = database.setdefault("TEST", {})
        if test.get("NAME") or database["ENGINE"] != "django.db.backends.sqlite3":
            test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{TEST_PASS}"


def is_serial(item) -> bool:
    """Tests that start workers or benchmarks on the test database: they run after the
    parallel pass, one at a time (`make test`), beside only the pass with the moved clock at
    the lowest CPU priority, so nothing else competes with them for the CPU or their
    timeouts. Browser tests run in the parallel pass: each worker has its own database,
    Redis database and live server."""
    path = item.nodeid.split("::")[0]
    name = path.rsplit("/", 1)[-1]
    return (
        name.startswith("test_benchmark")
        or "benchmarks" in name
        or item.get_closest_marker("celery_worker") is not None
    )


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    for item in items:
        if is_serial(item):
            item.add_marker(pytest.mark.serial)


def seed_demo(stdout=None) -> None:
    """The seed command for the tests' demo city (its seed and anchor day)."""
    call_command(
        "seed_demo_city",
        size="demo",
        seed=DEMO_SEED,
        today=DEMO_TODAY,
        no_progress=True,
        stdout=stdout or io.StringIO(),
    )


@pytest.fixture
def postgresql():
    """For tests of row locks and races: a failure in CI without PostgreSQL, a skip on the
    embedded default."""
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run this on PostgreSQL")
        pytest.skip("row locking is tested on PostgreSQL (set DATABASE_URL)")


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city, seeded once per test module and rolled back after it.

    Tests that take it also take `db`, whose per-test transaction nests inside this one.
    Returns what the command printed.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seeded_or_restored_city()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# The seeded city's rows per table and what the seed printed, once per process (PostgreSQL).
_demo_city_copy: dict = {}


def seeded_or_restored_city() -> str:
    """Seeds the demo city in the open transaction; on PostgreSQL the first seed of this
    process is kept as COPY data and later modules load that (a second or two instead of
    the seed's 40-60 s on a busy machine)."""
    kept = connection.vendor == "postgresql"
    if kept and _demo_city_copy:
        copy_in_tables(_demo_city_copy["rows"])
        return _demo_city_copy["output"]
    output = io.StringIO()
    seed_demo(stdout=output)
    if kept:
        _demo_city_copy.update(rows=copy_out_tables(), output=output.getvalue())
    return output.getvalue()


def copy_out_tables() -> dict[str, bytes]:
    """Every model table's rows as the open transaction sees them (COPY, binary)."""
    connection.ensure_connection()
    tables = connection.introspection.django_table_names(only_existing=True)
    rows = {}
    with connection.connection.cursor() as cursor:
        for table in tables:
            buffer = io.BytesIO()
            cursor.copy_expert(
                f"COPY {connection.ops.quote_name(table)} TO STDOUT (FORMAT binary)", buffer
            )
            rows[table] = buffer.getvalue()
    return rows


def copy_in_tables(rows: dict[str, bytes]) -> None:
    """Replaces every table's rows with `rows` inside the open transaction (rolled back
    with it). The foreign keys are deferred, so the order of tables does not matter; the
    sequences are already past the copied ids (the first seed moved them)."""
    quote = connection.ops.quote_name
    with connection.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in rows:
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
        for table, data in rows.items():
            cursor.copy_expert(f"COPY {quote(table)} FROM STDIN (FORMAT binary)", io.BytesIO(data))


@pytest.fixture(autouse=True)
def english_messages():
    """Services called outside a request speak the default language (Dutch); tests read
    their messages in English, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Django's test client, sending a Host header that ALLOWED_HOSTS accepts.

    It asks for English so tests can read messages; Dutch is tested on purpose.
    """
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def client_for(user=None, **options) -> Client:
    """A person's own browser: a session of their own (signed in when a user is given),
    a Host header ALLOWED_HOSTS accepts, English messages."""
    browser = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en", **options)
    if user is not None:
        browser.force_login(user)
    return browser


def database_url_for_processes() -> str:
    """The test database as a URL, for processes the tests start (workers, benchmarks)."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@contextmanager
def worker_sending_mail_to(outbox: Path, queue: str, **environment: str):
    """A real Celery worker on Redis and the test database, on its own queue, writing its
    e-mails to files in `outbox`; its output is printed when it stops. `environment` adds
    or overrides variables (another broker, shorter timeouts); yields the process."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
        "DATABASE_URL": database_url_for_processes(),
        "CELERY_QUEUE": queue,
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        **environment,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--pool=solo"]
        + ["--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        output, _ = process.communicate(timeout=30)
        print(output[-5000:])


def run_benchmark_smoke(name: str, *, timeout: int = 900) -> dict:
    """Runs `python -m benchmarks <name> --size smoke` as its own process on the test
    database (benchmarks fork or start servers, which this process must not) and returns
    the figures of its last line. Needs PostgreSQL: a database other processes can share."""
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run this on PostgreSQL")
        pytest.skip("the benchmark needs PostgreSQL")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")},
        "DATABASE_URL": database_url_for_processes(),
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
    }
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", name, "--size", "smoke"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_task(task, *args):
    """Runs a task in this thread (eagerly) and returns its value, raising what it raised.
    Not `apply().get()`: celery refuses a get() in a thread that a worker test left marked as
    a worker's ("Never call result.get() within a task")."""
    result = task.apply(args=args)
    result.maybe_throw()
    return result.result
