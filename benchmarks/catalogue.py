"""Storefront pages over loopback (gunicorn) beside the same pages of plain Oscar.

Needs PostgreSQL (DATABASE_URL, migrated). `--size full` runs on the large city
(`manage.py seed_demo_city --size large` first); `--size smoke` makes a small town if the
database has no catalogue yet. Both servers run in turn on the same database with the same
gunicorn set-up (2 workers × 2 threads): ours (benchmarks.storefront_settings) and plain
Oscar (benchmarks.plain_oscar_settings: Oscar's stock apps, views and templates, Haystack's
simple backend). Each page is asked by 4 clients for a fixed time after a warm-up; the
servers put each response's query count in a header (benchmarks.query_count).

Prints requests/s and queries per page for both, and the ratios. Oscar has no shop page:
its figures there are null.
"""

import socket
import threading
import time
from decimal import Decimal

import requests
from django.db import connection
from django.db.models import Count
from oscar.core.loading import get_model

from benchmarks import benchmark
from benchmarks.servers import start_gunicorn
from shops.models import Shop, ShopStatus

CLIENTS = 4
SECONDS = {"smoke": 1.5, "full": 15.0}
WARM_UP = 3
Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure(base: str, path: str, seconds: float) -> dict:
    """Requests/s of CLIENTS clients asking for `path` for `seconds`, and its query count."""
    warm = requests.get(base + path, timeout=120)
    if warm.status_code != 200:
        raise RuntimeError(f"{base}{path} answered {warm.status_code}")
    for _ in range(WARM_UP - 1):
        requests.get(base + path, timeout=120)
    done, queries, lock = [], set(), threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        session = requests.Session()
        while time.perf_counter() < deadline:
            response = session.get(base + path, timeout=120)
            with lock:
                done.append(response.status_code)
                queries.add(int(response.headers.get("X-Query-Count", -1)))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if set(done) != {200}:
        raise RuntimeError(f"{path}: statuses {sorted(set(done))}")
    return {
        "requests_per_s": round(len(done) / elapsed, 1),
        "queries": max(queries),
        "products_listed": warm.text.count('class="product-card"')
        + warm.text.count('class="product_pod"'),
    }


def serve_and_measure(settings_module: str, pages: dict, seconds: float) -> dict:
    port = free_port()
    server = start_gunicorn(port=port, settings_module=settings_module, threads=2)
    try:
        base = f"http://127.0.0.1:{port}"
        return {
            name: measure(base, path, seconds) if path else None for name, path in pages.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def sample_pages() -> tuple[dict, dict]:
    """The same pages for both: a big category, a product sold by several shops, a shop."""
    category = (
        Category.objects.filter(depth=2)
        .annotate(products=Count("product"))
        .order_by("-products", "id")
        .first()
    )
    product = (
        Product.objects.annotate(shops=Count("stockrecords"))
        .filter(shops__gte=2, is_public=True)
        .order_by("id")
        .first()
    ) or Product.objects.filter(stockrecords__isnull=False).order_by("id").first()
    shop = Shop.objects.filter(status=ShopStatus.ACTIVE).order_by("id").first()
    term = "kaas"
    ours = {
        "home": "/",
        "category": category.get_absolute_url(),
        "search": f"/search/?q={term}",
        "product": product.get_absolute_url(),
        "shop": shop.get_absolute_url(),
    }
    plain = {**ours, "home": "/catalogue/", "shop": None}
    return ours, plain


def small_town() -> None:
    """For the smoke size on an empty database: 6 shops, 120 products, 2 categories."""
    from shops.models import OpeningHours

    Partner = get_model("partner", "Partner")
    ProductClass = get_model("catalogue", "ProductClass")
    ProductCategory = get_model("catalogue", "ProductCategory")
    goods = ProductClass.objects.get_or_create(name="Bench", defaults={"track_stock": True})[0]
    cheese = Category.add_root(name="Kaas", slug="kaas")
    gouda = cheese.add_child(name="Goudse kaas", slug="goudse-kaas")
    shops = []
    for number in range(6):
        partner = Partner.objects.create(name=f"Kaashuis {number}", code=f"bench-kaas-{number}")
        shop = Shop.objects.create(
            partner=partner, slug=f"bench-kaas-{number}", kind="cheese",
            status=ShopStatus.ACTIVE, legal_name="Bench B.V.",
            chamber_of_commerce_number=f"{90_000_000 + number}", street="Brink 1",
            postcode="7411 BR", city="Deventer",
            latitude=Decimal("52.2551"), longitude=Decimal("6.1599"),
        )  # fmt: skip
        OpeningHours.objects.bulk_create(
            OpeningHours(shop=shop, weekday=day, opens="09:00", closes="18:00") for day in range(7)
        )
        shops.append(shop)
    for number in range(120):
        product = Product.objects.create(title=f"Oude kaas {number}", product_class=goods)
        ProductCategory.objects.create(product=product, category=gouda)
        for shop in shops[number % 3 : number % 3 + 2]:
            StockRecord.objects.create(
                product=product, partner=shop.partner, partner_sku=f"b{number}-{shop.pk}",
                price=Decimal("9.95") + number, num_in_stock=5, num_allocated=0,
            )  # fmt: skip


@benchmark("catalogue")
def catalogue(size: str) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("catalogue needs PostgreSQL: set DATABASE_URL")
    products = Product.objects.count()
    if size == "full" and products < 50_000:
        raise SystemExit(
            f"catalogue --size full needs the large city ({products} products here): "
            "run `manage.py seed_demo_city --size large` first"
        )
    if not StockRecord.objects.filter(partner__shop__status=ShopStatus.ACTIVE).exists():
        small_town()
    with connection.cursor() as cursor:  # planner statistics, as autovacuum keeps them
        cursor.execute("ANALYZE catalogue_product, partner_stockrecord, catalogue_productcategory")
    ours_pages, plain_pages = sample_pages()
    connection.close()  # the servers fork; nothing of this connection must be shared
    ours = serve_and_measure("benchmarks.storefront_settings", ours_pages, SECONDS[size])
    plain = serve_and_measure("benchmarks.plain_oscar_settings", plain_pages, SECONDS[size])
    pages = {}
    for name, figures in ours.items():
        baseline = plain[name]
        pages[name] = {
            "ours_per_s": figures["requests_per_s"],
            "ours_queries": figures["queries"],
            "ours_products_listed": figures["products_listed"],
            "plain_oscar_per_s": baseline["requests_per_s"] if baseline else None,
            "plain_oscar_queries": baseline["queries"] if baseline else None,
            "plain_oscar_products_listed": baseline["products_listed"] if baseline else None,
            "ratio": round(figures["requests_per_s"] / baseline["requests_per_s"], 2)
            if baseline
            else None,
        }
        print(name, pages[name])
    ratios = [page["ratio"] for page in pages.values() if page["ratio"] is not None]
    return {
        "products": Product.objects.count(),
        "pages": pages,
        "min_ratio": min(ratios),
        "max_queries": max(page["ours_queries"] for page in pages.values()),
    }
