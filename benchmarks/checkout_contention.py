"""64 buyers on one contended product: our order placement beside a raw guarded UPDATE.

Needs PostgreSQL (DATABASE_URL, migrated). Each round puts UNITS units on the shelf and lets
64 connected processes buy one each at the same moment while a POS thread keeps re-counting
the shelf; the baseline rounds run the same buyers and the same POS with nothing but the
guarded UPDATE, so the ratio measures what our order placement adds. Rounds with the raw
UPDATE on a quiet shelf (no POS) are printed for reference. The clock runs from the moment
all buyers press "buy" until the last has an answer. Prints orders/s, oversold units and
the ratios.
"""

import multiprocessing
import threading
import time
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from oscar.core.loading import get_class, get_model

from benchmarks import benchmark
from inventory_sync.services import OutOfStock, set_on_hand
from marketplace.ordering.services import PartChoice, place_order
from shops.models import Shop, ShopStatus

BUYERS = 64
UNITS = 10
ROUNDS = {"smoke": 2, "full": 20}

User = get_user_model()
Basket = get_model("basket", "Basket")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")

RAW_GUARDED_UPDATE = """
UPDATE partner_stockrecord SET num_allocated = num_allocated + 1
WHERE id = %s AND num_in_stock - num_allocated >= 1
"""


def make_offer(tag: str) -> StockRecord:
    partner = Partner.objects.create(name=f"Bench {tag}", code=f"bench-{tag}")
    Shop.objects.create(
        partner=partner,
        slug=f"bench-{tag}",
        kind="books",
        status=ShopStatus.ACTIVE,
        legal_name="Bench B.V.",
        chamber_of_commerce_number=str(uuid.uuid4().int)[:8],
        street="Brink 1",
        postcode="7411 BR",
        city="Deventer",
        latitude=Decimal("52.2551"),
        longitude=Decimal("6.1599"),
    )
    product_class = ProductClass.objects.get_or_create(
        name="Bench", defaults={"track_stock": True}
    )[0]
    product = Product.objects.create(title=f"Bench {tag}", product_class=product_class)
    return StockRecord.objects.create(
        product=product,
        partner=partner,
        partner_sku=f"bench-{tag}",
        price=Decimal("9.95"),
        num_in_stock=UNITS,
        num_allocated=0,
    )


def make_baskets(users, record) -> list[int]:
    ids = []
    for user in users:
        basket = Basket.objects.create(owner=user)
        basket.lines.create(
            product=record.product,
            stockrecord=record,
            quantity=1,
            line_reference=f"{record.product_id}_{record.pk}",
            price_currency="EUR",
            price_excl_tax=record.price,
            price_incl_tax=record.price,
        )
        ids.append(basket.pk)
    return ids


def run_buyers(act, args_per_buyer, *, meanwhile=None) -> tuple[float, list]:
    """Each buyer is its own process (as behind gunicorn's workers), connected and ready;
    all act at once. Returns the seconds from that moment to the last answer, and answers."""
    connections.close_all()  # a forked child must not share the parent's socket
    context = multiprocessing.get_context("fork")
    barrier, answers = context.Barrier(len(args_per_buyer)), context.Queue()
    processes = [
        context.Process(target=buyer_process, args=(act, args, barrier, answers))
        for args in args_per_buyer
    ]
    for process in processes:
        process.start()
    stop = meanwhile() if meanwhile else None  # threads start after the forks: none survive one
    results = [answers.get(timeout=300) for _ in processes]
    for process in processes:
        process.join()
    if stop:
        stop()
    started = min(result[0] for result in results)
    finished = max(result[1] for result in results)
    return finished - started, [result[2] for result in results]


def buyer_process(act, args, barrier, answers) -> None:
    try:
        connection.ensure_connection()
        state = act.prepare(*args)
        barrier.wait(timeout=120)
        started = time.perf_counter()
        answer = act(state)
        answers.put((started, time.perf_counter(), answer))
    except Exception as error:  # reported to the parent, which fails loudly
        barrier.abort()  # the others must not wait at the barrier for a buyer who failed
        answers.put((time.perf_counter(), time.perf_counter(), f"error: {error!r}"))
    finally:
        connections.close_all()


class Buy:
    """One consumer placing their basket as an order (collect at the shop)."""

    def __init__(self, choices):
        self.choices = choices

    def prepare(self, basket_id, user_id):
        basket = Basket.objects.get(pk=basket_id)
        basket.strategy = Selector().strategy()
        return basket, User.objects.get(pk=user_id)

    def __call__(self, state):
        basket, user = state
        try:
            place_order(basket=basket, user=user, choices=self.choices, address=None)
            return "sold"
        except OutOfStock:
            return "out of stock"


class RawUpdate:
    def __init__(self, record_id):
        self.record_id = record_id

    def prepare(self):
        return None

    def __call__(self, _state):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(RAW_GUARDED_UPDATE, [self.record_id])
            return "sold" if cursor.rowcount == 1 else "out of stock"


def pos_counts(record_id: int, stop: threading.Event) -> None:
    try:
        while not stop.is_set():
            set_on_hand(stockrecord_id=record_id, quantity=UNITS)
            time.sleep(0.002)
    finally:
        connections.close_all()


def pos_running(record_id: int):
    """Starts a POS re-counting the shelf; returns what stops it."""

    def start():
        stop = threading.Event()
        pos = threading.Thread(target=pos_counts, args=(record_id, stop))
        pos.start()
        return lambda: (stop.set(), pos.join())

    return start


def our_round(users, tag: str) -> tuple[float, int, int]:
    record = make_offer(tag)
    baskets = make_baskets(users, record)
    act = Buy({record.partner_id: PartChoice(method="collect")})
    args = [(basket, user.pk) for basket, user in zip(baskets, users, strict=True)]
    seconds, answers = run_buyers(act, args, meanwhile=pos_running(record.pk))
    check_answers(answers)
    record.refresh_from_db()
    sold = answers.count("sold")
    oversold = max(0, record.num_allocated - record.num_in_stock) + max(0, sold - UNITS)
    return seconds, sold, oversold


def raw_round(tag: str, *, with_pos: bool) -> tuple[float, int]:
    """The floor: each buyer does nothing but the guarded UPDATE. With the POS re-counting
    as in our rounds (the baseline of the ratio: same conditions, only the buyer's work
    differs), or on a quiet shelf (printed for reference)."""
    record = make_offer(tag)
    meanwhile = pos_running(record.pk) if with_pos else None
    seconds, answers = run_buyers(RawUpdate(record.pk), [()] * BUYERS, meanwhile=meanwhile)
    check_answers(answers)
    return seconds, answers.count("sold")


def check_answers(answers: list[str]) -> None:
    errors = [answer for answer in answers if answer.startswith("error")]
    if errors:
        raise RuntimeError(f"{len(errors)} buyers failed, e.g. {errors[0]}")


def tasks_to_the_queue() -> None:
    """As in production, the web process only queues its tasks (e-mails, counters) for the
    worker; without a Redis broker they go to an in-memory queue instead of running here."""
    from django.conf import settings

    from marketplace.celery import app

    if not settings.REDIS_URL:
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"


@benchmark("checkout_contention")
def checkout_contention(size: str) -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("checkout_contention needs PostgreSQL: set DATABASE_URL")
    tasks_to_the_queue()
    run = uuid.uuid4().hex[:8]
    users = [
        User.objects.create(username=f"bench-{run}-{i}@stadsmarkt.test") for i in range(BUYERS)
    ]
    ours = {"seconds": 0.0, "sold": 0}
    raw = {"seconds": 0.0, "sold": 0}
    quiet = {"seconds": 0.0, "sold": 0}
    oversold = 0
    for index in range(ROUNDS[size]):
        seconds, sold, over = our_round(users, f"{run}-ours-{index}")
        add(ours, seconds, sold)
        oversold += over
        add(raw, *raw_round(f"{run}-raw-{index}", with_pos=True))
        add(quiet, *raw_round(f"{run}-quiet-{index}", with_pos=False))
    ours_rate, raw_rate, quiet_rate = (
        side["sold"] / side["seconds"] for side in (ours, raw, quiet)
    )
    print(
        f"ours: {ours['sold']} orders in {ours['seconds']:.2f}s; raw with POS counts: "
        f"{raw['sold']} in {raw['seconds']:.2f}s; raw on a quiet shelf: "
        f"{quiet['sold']} in {quiet['seconds']:.2f}s"
    )
    return {
        "buyers": BUYERS,
        "units_per_round": UNITS,
        "rounds": ROUNDS[size],
        "orders_per_s": round(ours_rate, 1),
        "raw_guarded_update_per_s": round(raw_rate, 1),
        "ratio": round(ours_rate / raw_rate, 3),
        "raw_on_quiet_shelf_per_s": round(quiet_rate, 1),
        "ratio_to_quiet_shelf": round(ours_rate / quiet_rate, 3),
        "oversold_units": oversold,
        "sold": ours["sold"],
        "raw_sold": raw["sold"],
    }


def add(side: dict, seconds: float, sold: int) -> None:
    side["seconds"] += seconds
    side["sold"] += sold
