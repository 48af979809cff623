"""The storefront under load through the proxy, beside the same session on plain Oscar.

Needs PostgreSQL (DATABASE_URL with the demo city: `manage.py seed_demo_city --size demo`)
and, for `--size full`, Redis (REDIS_URL) as the servers' cache. Both sites run on the same
database, each behind the project's nginx config (benchmarks.stack: 2 gunicorn processes
of 1 gthread worker × 4 threads, one per core), and take turns (4 rounds of 15 s each for
`full`): ours with the production settings, plain Oscar with its stock apps, views and
templates (benchmarks.plain_oscar_settings).

Every virtual user is a signed-in consumer (sessions made before the clock starts) who
repeats one visit: home, search, category, product, add to basket (POST with the page's
CSRF token), basket, checkout page. After each visit the benchmark empties that user's
basket in the database (not timed), so every visit sees a basket of one line. An error is
a failed request or an answer other than the session expects (a refused add, a checkout
that sends the user elsewhere).

Prints req/s, p50/p95/p99 (ms) and errors for both sites, per page and overall, and the
ratio of req/s.
"""

import logging
import os
import random
import re
import statistics
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg2
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.test import Client
from oscar.core.loading import get_model

from benchmarks import benchmark
from benchmarks.stack import start_stack
from shops.models import ShopStatus

USERS = {"smoke": 4, "full": 16}
SECONDS = {"smoke": 4.0, "full": 60.0}  # per site
ROUNDS = {"smoke": 1, "full": 4}  # turns each site takes
STEPS = ("home", "search", "category", "product", "add_to_basket", "basket", "checkout")
Product = get_model("catalogue", "Product")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ADD_FORM = re.compile(r'action="(/basket/add[^"]*)"')
logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise


@dataclass
class Site:
    name: str
    settings_module: str
    home: str


SITES = (
    Site("ours", "marketplace.settings.production", "/"),
    Site("plain_oscar", "benchmarks.plain_oscar_load_settings", "/catalogue/"),
)


@dataclass
class Results:
    seconds: dict = field(default_factory=lambda: {step: [] for step in STEPS})
    errors: list = field(default_factory=list)
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, step: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.seconds[step].append(seconds)
            if error:
                self.errors.append(f"{step}: {error}")


def visits(count: int = 40) -> list[dict]:
    """Pages of visits: in-stock products of active shops, their category, a word to search."""
    products = (
        Product.objects.filter(
            is_public=True,
            categories__isnull=False,
            stockrecords__partner__shop__status=ShopStatus.ACTIVE,
            stockrecords__num_in_stock__gte=F("stockrecords__num_allocated") + 20,
        )
        .prefetch_related("categories")
        .order_by("id")
        .distinct()
    )
    chosen = random.Random(14).sample(list(products[:2000]), count)  # noqa: S311
    return [
        {
            "category": product.categories.all()[0].get_absolute_url(),
            "product": product.get_absolute_url(),
            "term": max(re.findall(r"\w{4,}", product.title) or ["kaas"], key=len).lower(),
        }
        for product in chosen
    ]


def signed_in_users(count: int) -> list[tuple[int, dict]]:
    """A user id and session cookie per virtual user, as a sign-in makes them (without
    the sign-in's slow password hash)."""
    User = get_user_model()
    users = []
    for number in range(count):
        email = f"load-{number}@stadsmarkt.bench"
        user, _ = User.objects.get_or_create(username=email, defaults={"email": email})
        browser = Client()
        browser.force_login(user)
        users.append((user.pk, {settings.SESSION_COOKIE_NAME: browser.cookies["sessionid"].value}))
    return users


class Baskets:
    """Empties a user's basket between visits over one shared connection (the database's
    connections are few, and the servers need theirs)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.connection = psycopg2.connect(**connection.get_connection_params())

    def empty(self, user_id: int) -> None:
        with self.lock, self.connection, self.connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM basket_line WHERE basket_id IN "
                "(SELECT id FROM basket_basket WHERE owner_id = %s)",
                [user_id],
            )

    def close(self) -> None:
        self.connection.close()


def visit(client: httpx.Client, site: Site, pages: dict, results: Results | None) -> None:
    """One visit; each step is timed and checked. `results` None: a warm-up."""

    def step(name: str, send, check) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response, error = send(), None
            error = check(response)
        except httpx.HTTPError as failure:
            response, error = None, repr(failure)
        if results is not None:
            results.record(name, time.perf_counter() - started, error)
        return None if error else response

    def ok(response):
        return None if response.status_code == 200 else f"status {response.status_code}"

    step("home", lambda: client.get(site.home), ok)
    step("search", lambda: client.get("/search/", params={"q": pages["term"]}), ok)
    step("category", lambda: client.get(pages["category"]), ok)
    product = step("product", lambda: client.get(pages["product"]), ok)
    if product is None:
        return
    token, action = CSRF_TOKEN.search(product.text), ADD_FORM.search(product.text)
    added = step(
        "add_to_basket",
        lambda: client.post(
            action.group(1), data={"csrfmiddlewaretoken": token.group(1), "quantity": "1"}
        ),
        lambda r: (
            None
            if r.status_code == 302 and r.headers["location"].endswith("/basket/")
            else f"status {r.status_code} to {r.headers.get('location')}"
        ),
    )
    if added is None:
        return
    step("basket", lambda: client.get("/basket/"), ok)
    step(
        "checkout",
        lambda: client.get("/checkout/", follow_redirects=True),
        lambda r: ok(r) or (None if r.url.path.startswith("/checkout/") else f"sent to {r.url}"),
    )


def run_round(site: Site, url: str, seconds: float, pool: list, users: list, results) -> float:
    """All users on one site for `seconds` after a warm-up visit each; returns the time
    taken (visits under way at the deadline finish and count)."""
    clock, baskets = {}, Baskets()

    def user(number: int) -> None:
        rng = random.Random(number + int(results.elapsed))  # noqa: S311
        user_id, cookies = users[number]
        with httpx.Client(base_url=url, cookies=cookies, timeout=30) as client:
            visit(client, site, rng.choice(pool), None)
            baskets.empty(user_id)
            barrier.wait()
            while time.perf_counter() < clock["deadline"]:
                visit(client, site, rng.choice(pool), results)
                baskets.empty(user_id)

    def start_clock() -> None:
        clock["started"] = time.perf_counter()
        clock["deadline"] = clock["started"] + seconds

    barrier = threading.Barrier(len(users), action=start_clock)
    threads = [threading.Thread(target=user, args=(n,)) for n in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    baskets.close()
    return time.perf_counter() - clock["started"]


def percentiles(seconds: list[float]) -> dict:
    if len(seconds) < 2:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {f"p{p}_ms": round(cuts[p - 1] * 1000, 1) for p in (50, 95, 99)}


def summary(results: Results, seconds: float) -> dict:
    every = [s for step in STEPS for s in results.seconds[step]]
    return {
        "requests": len(every),
        "requests_per_s": round(len(every) / seconds, 1),
        **percentiles(every),
        "errors": len(results.errors),
        "first_errors": results.errors[:5],
        "pages": {
            step: {"requests": len(results.seconds[step]), **percentiles(results.seconds[step])}
            for step in STEPS
        },
    }


def server_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}",
        # The same key as this process: the sessions made here must be valid there.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no redirect to https, cookies without Secure.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "REDIS_URL": settings.REDIS_URL,
    }
    return env


def server_shape() -> dict:
    """Each gunicorn's worker class, workers and threads: STACK_SHAPE="sync:4:1" tries
    another shape than the default gthread 1 x 4."""
    worker_class, workers, threads = os.environ.get("STACK_SHAPE", "gthread:1:4").split(":")
    return {"worker_class": worker_class, "workers": int(workers), "threads": int(threads)}


def measure(size: str, pool: list, users: list) -> dict:
    """Both stacks run side by side and take turns: the machine is shared, and a load that
    changes during the run then weighs on both sites alike."""
    results = {site.name: Results() for site in SITES}
    with ExitStack() as running:
        scratch = Path(running.enter_context(tempfile.TemporaryDirectory(prefix="load-")))
        stacks = {
            site.name: running.enter_context(
                start_stack(
                    env={**server_env(), "DJANGO_SETTINGS_MODULE": site.settings_module},
                    web_processes=2,
                    **server_shape(),
                    static_root=None if site.name == "ours" else scratch,  # ours: a manifest
                )
            )
            for site in SITES
        }
        for _ in range(ROUNDS[size]):
            for site in SITES:
                result = results[site.name]
                seconds = SECONDS[size] / ROUNDS[size]
                result.elapsed += run_round(
                    site, stacks[site.name].url, seconds, pool, users, result
                )
    return {name: summary(result, result.elapsed) for name, result in results.items()}


@benchmark("storefront_load")
def storefront_load(size: str) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("storefront_load needs PostgreSQL: set DATABASE_URL")
    if size == "full" and not settings.REDIS_URL:
        raise SystemExit("storefront_load --size full needs Redis: set REDIS_URL")
    if Product.objects.count() < 1000:
        raise SystemExit("storefront_load needs the demo city: manage.py seed_demo_city")
    pool, users = visits(), signed_in_users(USERS[size])
    connection.close()
    figures = measure(size, pool, users)
    for name, result in figures.items():
        print(name, {k: v for k, v in result.items() if k != "pages"})
    ours, plain = figures["ours"], figures["plain_oscar"]
    return {
        "users": USERS[size],
        "seconds": SECONDS[size],
        "rounds": ROUNDS[size],
        "redis": bool(settings.REDIS_URL),
        "gunicorn": server_shape(),
        **figures,
        "ratio": round(ours["requests_per_s"] / plain["requests_per_s"], 2)
        if plain["requests_per_s"]
        else None,
        "goal_met": ours["errors"] == 0
        and ours["p95_ms"] is not None
        and ours["p95_ms"] <= 300
        and ours["requests_per_s"] >= 2 * plain["requests_per_s"],
    }
