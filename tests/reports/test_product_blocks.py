"""The product blocks and the walk over them give the same top products as summing all."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from logistics.models import OrderPart
from logistics.part_states import reject_part
from marketplace.ordering.services import PartChoice, confirm_order_paid, place_order
from marketplace.reports import blocks
from marketplace.reports.models import DailyProductSales, ProductSalesBlock
from marketplace.reports.services import refresh_sales_days
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer
from tests.reports.test_order_events import tasks_run_here  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
FIRST_DAY = date(2026, 5, 1)


@given(start=st.dates(date(2024, 1, 1), date(2028, 1, 1)), days=st.integers(1, 400))
def test_a_period_lies_in_the_fewest_adjacent_blocks_of_one_size(start, days):
    end = start + timedelta(days=days - 1)
    covering = blocks.covering_blocks(start, end)
    sizes = {size for size, _start in covering}
    assert len(sizes) == 1
    size = sizes.pop()
    assert size == min([s for s in blocks.BLOCK_SIZES if s >= days] or [128])
    assert covering[0][1] <= start and covering[-1][1] + timedelta(days=size - 1) >= end
    for (_size, first), (_size2, second) in zip(covering, covering[1:], strict=False):
        assert second == first + timedelta(days=size)
    assert len(covering) <= (2 if days <= 128 else days // 128 + 2)
    assert all((block - blocks.EPOCH).days % size == 0 for _size, block in covering)


@pytest.fixture
def shop(db):
    return ShopFactory()


@pytest.fixture
def products(shop):
    return [make_offer(shop, title=f"product {n}").product for n in range(8)]


def sell(shop, product, day_offset: int, gmv: str, units: int = 1) -> None:
    DailyProductSales.objects.create(
        day=FIRST_DAY + timedelta(days=day_offset),
        shop=shop,
        product=product,
        lines=1,
        units=units,
        gmv=Decimal(gmv),
    )


def summed(start: date, end: date, limit: int) -> list[tuple]:
    """The answer by summing every product: what the walk must equal."""
    totals: dict[int, list] = {}
    for row in DailyProductSales.objects.filter(day__gte=start, day__lte=end):
        total = totals.setdefault(row.product_id, [Decimal(0), 0])
        total[0] += row.gmv
        total[1] += row.units
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [(product, gmv, units) for product, (gmv, units) in ranked[:limit]]


def walked(start: date, end: date, limit: int, **depths) -> list[tuple] | None:
    rows = blocks.top_products_walk(start, end, limit, **depths)
    if rows is None:
        return None
    return [(row["product_id"], row["gmv"], row["units"]) for row in rows]


sale_strategy = st.tuples(
    st.integers(0, 7),  # product
    st.integers(0, 20),  # day
    st.integers(1, 5_000),  # cents
    st.integers(1, 3),  # units
)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sales=st.lists(sale_strategy, max_size=40),
    first=st.integers(0, 20),
    days=st.integers(1, 21),
    limit=st.integers(1, 4),
)
def test_the_walk_equals_summing_every_product(shop, products, sales, first, days, limit):
    with transaction.atomic():
        seen = set()
        for product, day, cents, units in sales:
            if (product, day) not in seen:  # one row per shop, product and day
                seen.add((product, day))
                sell(shop, products[product], day, f"{cents / 100:.2f}", units)
        blocks.rebuild_blocks()
        start = FIRST_DAY + timedelta(days=first)
        end = start + timedelta(days=days - 1)
        expected = summed(start, end, limit)
        assert walked(start, end, limit, first_depth=1) == expected
        # Stopped short, the walk says so rather than answering from half the products.
        assert walked(start, end, limit, first_depth=1, deepest=1) in (None, expected)
        transaction.set_rollback(True)


def test_the_walk_finds_the_best_seller_that_leads_no_single_block(shop, products):
    # Two days next to each other in two different 2-day blocks.
    second = next(
        d
        for d in range(1, 3)
        if blocks.block_start(FIRST_DAY + timedelta(d), 2) == FIRST_DAY + timedelta(d)
    )
    first = second - 1
    leader_a, leader_b, steady, *others = products
    sell(shop, leader_a, first, "100.00")
    sell(shop, leader_b, second, "100.00")
    sell(shop, steady, first, "60.00")
    sell(shop, steady, second, "60.00")
    for offset, product in enumerate(others):
        sell(shop, product, first, f"{10 + offset}.00")
    blocks.rebuild_blocks()
    start, end = FIRST_DAY + timedelta(days=first), FIRST_DAY + timedelta(days=second)
    assert walked(start, end, 1, first_depth=1) == [(steady.pk, Decimal("120.00"), 2)]
    assert walked(start, end, 3, first_depth=1) == summed(start, end, 3)


def test_the_walk_stops_once_the_best_stand_out(shop, products):
    for day in range(10):
        for product in products[2:]:
            sell(shop, product, day, "5.00")
        sell(shop, products[0], day, "50.00")
        sell(shop, products[1], day, "40.00")
    blocks.rebuild_blocks()
    start, end = FIRST_DAY, FIRST_DAY + timedelta(days=9)
    # Two rows a block are enough: no product read after them could still reach the top.
    assert walked(start, end, 2, first_depth=2, deepest=2) == summed(start, end, 2)
    # The third place is a tie of six: only reading them all decides it.
    assert walked(start, end, 3, first_depth=3, deepest=3) is None
    assert walked(start, end, 3, first_depth=3) == summed(start, end, 3)


def paid_order(shop, offer, quantity: int, on_commit):
    """An order placed and paid the way checkout does it, its on-commit tasks run here."""
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (offer, quantity)),
        user=consumer,
        choices={shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    with on_commit(execute=True):
        confirm_order_paid(order_id=order.pk)
    return order


def block_rows() -> set[tuple]:
    return set(ProductSalesBlock.objects.values_list("size", "start", "product_id", "units", "gmv"))


def test_an_order_event_keeps_the_blocks_equal_to_a_rebuild(
    tasks_run_here,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    shop = ShopFactory()
    offer = make_offer(shop, price="12.50")
    order = paid_order(shop, offer, 2, django_capture_on_commit_callbacks)
    today = timezone.localdate()
    after_payment = block_rows()
    assert after_payment == {
        (size, blocks.block_start(today, size), offer.product_id, 2, Decimal("25.00"))
        for size in blocks.BLOCK_SIZES
    }
    blocks.rebuild_blocks()
    assert block_rows() == after_payment

    part = OrderPart.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        reject_part(part_id=part.pk, shop_id=shop.pk, reason="Uitverkocht")
    assert block_rows() == set()  # the product sold nothing any more


def test_a_refresh_rewrites_only_the_blocks_of_products_whose_sales_changed(
    tasks_run_here,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    shop = ShopFactory()
    kept, dropped = make_offer(shop, price="3.00"), make_offer(shop, price="4.00")
    orders = [
        paid_order(shop, offer, 1, django_capture_on_commit_callbacks) for offer in (kept, dropped)
    ]
    rows_of_kept = set(
        ProductSalesBlock.objects.filter(product=kept.product).values_list("pk", flat=True)
    )
    assert len(rows_of_kept) == len(blocks.BLOCK_SIZES)

    refresh_sales_days(days=[timezone.localdate()])  # nothing changed: nothing rewritten
    part = OrderPart.objects.get(order=orders[1])
    with django_capture_on_commit_callbacks(execute=True):
        reject_part(part_id=part.pk, shop_id=shop.pk, reason="Uitverkocht")

    assert set(ProductSalesBlock.objects.values_list("pk", flat=True)) == rows_of_kept
