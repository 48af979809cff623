"""Issue 9: the whole journey in a real browser, on PostgreSQL, Redis and a Celery worker.

A consumer finds products from two shops, collects one part and has the other delivered;
the shops, centre management and a courier each do their part in their own browser. The
e-mails are sent by the worker (a separate process, file-based e-mail), so the pickup code
the shop asks for is the one the consumer really received.

The clock of this process (and so of the live server) stands at 10:00 today, when the
shops are open and today's afternoon slot can still be booked; the worker keeps the real
clock, which is the same date.
"""

import quopri
import re
import tempfile
import time
import uuid
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext
from oscar.core.loading import get_model
from playwright.sync_api import expect

from logistics.models import OrderPart, PartStatus, Route, RouteStop, StopKind
from marketplace.celery import app
from tests.browser.conftest import shot
from tests.conftest import IN_CI, set_clock, worker_sending_mail_to
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner, make_slot, make_zone
from tests.logistics.test_dispatch import make_courier, make_hub

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "secret-pass-1"  # tests.factories.UserFactory's
AMSTERDAM = timezone.get_default_timezone()


def dutch(message) -> str:
    with translation.override("nl"):
        return gettext(message) if isinstance(message, str) else str(message)


@pytest.fixture
def worker(tmp_path):
    """A real Celery worker on Redis and the test database, sending e-mail to files."""
    if not (settings.REDIS_URL and connection.vendor == "postgresql"):
        if IN_CI:
            pytest.fail("CI must give REDIS_URL and a PostgreSQL DATABASE_URL")
        pytest.skip("the journey needs Redis and PostgreSQL (the worker is its own process)")
    queue, outbox = f"test-journey-{uuid.uuid4().hex[:8]}", Path(tempfile.mkdtemp())
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        with worker_sending_mail_to(outbox, queue):
            yield outbox
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, default_queue


def mail_to(outbox: Path, address: str, containing: str, *, timeout=60.0) -> str:
    """The text of the first e-mail the worker wrote to `address` that holds `containing`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(outbox.glob("*.log")):
            text = path.read_text(errors="replace")
            for message in text.split("-" * 79):
                if f"To: {address}" in message and containing in message:
                    return message
        time.sleep(0.25)
    raise AssertionError(f"no e-mail to {address} containing {containing!r} in {timeout}s")


@pytest.fixture
def town(monkeypatch):
    """Two shops with one product each, a zone with today's afternoon slot, a courier."""
    today = timezone.localdate()
    ten = datetime.combine(today, datetime.min.time().replace(hour=10), tzinfo=AMSTERDAM)
    set_clock(monkeypatch, ten, ticking=True)
    books = ShopFactory(kind="books", partner__name="Boekhandel De Brink")
    cheese = ShopFactory(kind="cheese", partner__name="Kaashuis Walstraat")
    novel = make_offer(books, price="19.95", on_hand=5, title="Het Deventer Koekboek")
    gouda = make_offer(cheese, price="12.50", on_hand=4, title="Oude Goudse Kaas")
    make_hub()
    return {
        "books": books,
        "cheese": cheese,
        "novel": novel,
        "gouda": gouda,
        "slot": make_slot(make_zone(), day=today, start=13),
        "courier": make_courier(today, starts=8, ends=18, name="Fenna"),
        "consumer": UserFactory(first_name="Anna", last_name="de Vries"),
        "books_owner": make_owner(books),
        "cheese_owner": make_owner(cheese),
        "manager": UserFactory(is_staff=True),
    }


def stock(record) -> tuple[int, int]:
    record = StockRecord.objects.get(pk=record.pk)
    return record.num_in_stock, record.num_allocated


def add_from_search(page, live_server, query: str, record, quantity: int = 1):
    """Searches from the home page, opens the product and adds the shop's offer."""
    page.goto(f"{live_server.url}/")
    page.get_by_role("searchbox").first.fill(query)
    with page.expect_navigation():
        page.get_by_role("searchbox").first.press("Enter")
    expect(page.locator("main")).to_contain_text(record.product.title)
    with page.expect_navigation():
        page.get_by_role("link", name=record.product.title).first.click()
    offer = page.locator(f"form[action$='/basket/add-offer/{record.pk}/']")
    if quantity != 1:
        offer.locator("input[name=quantity]").fill(str(quantity))
    with page.expect_navigation():
        offer.locator("button").click()


def part_action(page, live_server, part, button: str, code: str | None = None):
    page.goto(f"{live_server.url}/shop/orders/{part.pk}/")
    if code is not None:
        page.fill("#code", code)
    with page.expect_navigation():
        page.get_by_role("button", name=dutch(button)).click()


def courier_submit(page, stop, field: str, code: str):
    form = page.locator(f"#stop-{stop.pk} form").filter(has=page.locator(f"#{field}-{stop.pk}"))
    form.locator(f"#{field}-{stop.pk}").fill(code)
    with page.expect_navigation():
        form.locator("button").click()


def test_the_whole_journey(live_server, worker, town, person):
    novel, gouda, slot = town["novel"], town["gouda"], town["slot"]
    books, cheese, consumer = town["books"], town["cheese"], town["consumer"]

    # The consumer searches, and adds two books from one shop and a cheese from another.
    shopper = person(consumer)
    add_from_search(shopper, live_server, "koekboek", novel, quantity=2)
    shot(shopper, "added-book")
    add_from_search(shopper, live_server, "goudse", gouda)
    shopper.goto(f"{live_server.url}/basket/")
    expect(shopper.locator("main")).to_contain_text(books.partner.name)
    expect(shopper.locator("main")).to_contain_text(cheese.partner.name)
    shot(shopper, "basket")

    # Collect the books, have the cheese delivered this afternoon; pay with the test gateway.
    shopper.goto(f"{live_server.url}/checkout/")
    shopper.check(f"input[name=method_{books.partner_id}][value=collect]")
    shopper.check(f"input[name=method_{cheese.partner_id}][value=delivery]")
    shopper.select_option(f"select[name=slot_{cheese.partner_id}]", str(slot.pk))
    for field, value in {
        "recipient_name": "Anna de Vries",
        "address_line": "Walstraat 3",
        "postcode": "7411 AB",
        "city": "Deventer",
        "phone": "0570 123456",
    }.items():
        shopper.fill(f"input[name={field}]", value)
    shot(shopper, "checkout")
    with shopper.expect_navigation():
        shopper.get_by_role("button", name=dutch("Place order and pay")).click()
    shot(shopper, "test-payment")
    with shopper.expect_navigation():
        shopper.locator("button[name=action][value=pay]").click()
    order = Order.objects.get(user=consumer)
    expect(shopper).to_have_url(re.compile(rf"/orders/{order.number}/$"))
    shot(shopper, "order-placed")
    total = Decimal("2") * Decimal("19.95") + Decimal("12.50") + Decimal("4.95")
    assert order.total_incl_tax == total
    parts = {part.shop_id: part for part in OrderPart.objects.filter(order=order)}
    book_part, cheese_part = parts[books.pk], parts[cheese.pk]
    assert {book_part.status, cheese_part.status} == {PartStatus.PLACED}
    assert stock(novel) == (5, 2) and stock(gouda) == (4, 1)
    mail_to(worker, consumer.email, order.number)  # the worker sent "order placed"

    # Shop A accepts and marks ready; the consumer's e-mail holds the pickup code.
    books_page = person(town["books_owner"], "/shop/orders/")
    expect(books_page.locator("main")).to_contain_text(order.number)
    part_action(books_page, live_server, book_part, "Accept")
    part_action(books_page, live_server, book_part, "Mark ready")
    shot(books_page, "books-ready")
    ready_mail = mail_to(worker, consumer.email, "Pickup code:")
    code = re.search(r"Pickup code: ([A-Z0-9]+)", ready_mail).group(1)
    assert code == OrderPart.objects.get(pk=book_part.pk).pickup_code

    # At the counter: a wrong code is refused, the consumer's code hands the books over.
    part_action(books_page, live_server, book_part, "Hand over", code="WRONG1")
    assert OrderPart.objects.get(pk=book_part.pk).status == PartStatus.READY
    part_action(books_page, live_server, book_part, "Hand over", code=code)
    shot(books_page, "books-handed-over")
    assert OrderPart.objects.get(pk=book_part.pk).status == PartStatus.COLLECTED
    assert stock(novel) == (3, 0)

    # Shop B accepts and marks the cheese ready for the courier.
    cheese_page = person(town["cheese_owner"], "/shop/orders/")
    part_action(cheese_page, live_server, cheese_part, "Accept")
    part_action(cheese_page, live_server, cheese_part, "Mark ready")
    shot(cheese_page, "cheese-ready")

    # Centre management plans today's routes.
    manager = person(town["manager"], "/management/routes/")
    with manager.expect_navigation():
        manager.get_by_role("button", name=dutch("Plan now")).click()
    shot(manager, "routes-planned")
    route = Route.objects.get(courier=town["courier"], date=timezone.localdate())
    pickup, delivery = list(route.stops.order_by("sequence"))
    assert (pickup.kind, delivery.kind) == (StopKind.PICKUP, StopKind.DELIVERY)

    # Shop B's page shows the courier's hand-over code; the courier types what it shows.
    cheese_page.goto(f"{live_server.url}/shop/orders/{cheese_part.pk}/")
    handover_code = cheese_page.locator(".handover-code").inner_text().strip()
    shot(cheese_page, "cheese-handover-code")
    courier = person(town["courier"].user, "/courier/")
    expect(courier.locator("li.route-stop")).to_have_count(2)
    shot(courier, "courier-route")
    courier_submit(courier, pickup, "pickup", handover_code)
    assert stock(gouda) == (3, 0)
    # The consumer reads the delivery code from the e-mail "picked up" and gives it at the door.
    delivery_mail = mail_to(worker, consumer.email, "Give the courier code")
    assert order.number in delivery_mail
    readable = quopri.decodestring(delivery_mail.encode()).decode(errors="replace")
    door_code = re.search(r"Give the courier code (?:<strong>)?([A-Z0-9]{6})", readable).group(1)
    courier_submit(courier, delivery, "delivery", door_code)
    shot(courier, "courier-done")
    assert set(RouteStop.objects.filter(route=route).values_list("status", flat=True)) == {"done"}

    # The consumer's order page shows both parts done.
    shopper.goto(f"{live_server.url}/orders/{order.number}/")
    expect(shopper.locator("main")).to_contain_text(dutch(PartStatus.COLLECTED.label))
    expect(shopper.locator("main")).to_contain_text(dutch(PartStatus.DELIVERED.label))
    shot(shopper, "order-done")
    assert {p.status for p in OrderPart.objects.filter(order=order)} == {
        PartStatus.COLLECTED,
        PartStatus.DELIVERED,
    }

    # Stock went down by exactly what was sold, and nothing is held any more.
    assert stock(novel) == (3, 0) and stock(gouda) == (3, 0)

    # The centre's report and each shop's own report show today's sales and commission
    # (the worker refreshed the day's rollup when the order was paid).
    commission = {
        part.shop_id: part.commission.commission
        for part in OrderPart.objects.filter(order=order).select_related("commission")
    }
    assert all(amount > 0 for amount in commission.values())
    day = f"?start={timezone.localdate():%Y-%m-%d}&end={timezone.localdate():%Y-%m-%d}"
    report = f"{live_server.url}/management/reports/{day}&granularity=day"
    figures = manager.locator("#section-summary .report-cards")
    see_figures(manager, report, figures, [euro(Decimal("52.40")), euro(sum(commission.values()))])
    shot(manager, "centre-report")
    book_figures = books_page.locator("#section-summary .report-cards")
    own = f"{live_server.url}/shop/reports/{day}&granularity=day"
    see_figures(books_page, own, book_figures, [euro(Decimal("39.90")), euro(commission[books.pk])])
    expect(books_page.locator("main")).not_to_contain_text(euro(Decimal("52.40")))
    shot(books_page, "books-report")
    cheese_figures = cheese_page.locator("#section-summary .report-cards")
    see_figures(
        cheese_page, own, cheese_figures, [euro(Decimal("12.50")), euro(commission[cheese.pk])]
    )
    shot(cheese_page, "cheese-report")


def euro(amount: Decimal) -> str:
    return f"€ {amount:.2f}".replace(".", ",")


def see_figures(page, url: str, figures, expected: list[str], timeout=60.0):
    """Opens the report until the worker's rollup shows the figures (or the time is up)."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        text = figures.inner_text()
        if all(value in text for value in expected) or time.monotonic() > deadline:
            break
        time.sleep(1)
    for value in expected:
        expect(figures).to_contain_text(value)
