"""On random orders the rollups' figures equal a direct aggregation over the order lines.

Orders are written as rows (as the demo loader does) so that hypothesis can try many:
random shops, methods, statuses (sold, rejected, cancelled, unpaid), times near midnight,
partial refunds, products with and without a category, parts without a commission snapshot.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from oscar.core.loading import get_model

from logistics.models import OrderPart
from marketplace.commission.models import LineCommission, PartCommission
from marketplace.payments.models import Payment, Refund
from marketplace.reports import blocks, direct, selectors
from marketplace.reports.blocks import BLOCK_SIZES
from marketplace.reports.models import ProductSalesBlock
from marketplace.reports.selectors import Period, Scope
from marketplace.reports.services import (
    WATERMARK_OVERLAP,
    rebuild_sales_rollups,
    refresh_changed_sales,
)
from tests.factories import ShopFactory, make_offer, make_slot, make_zone
from tests.reports.conftest import AMSTERDAM

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
pytestmark = pytest.mark.django_db
FIRST_DAY = date(2026, 3, 27)  # the clocks go forward on 29 March: a 23-hour day inside
STATUSES = ["collected", "delivered", "accepted", "rejected", "cancelled", "pending_payment"]
SUMMED = selectors.SUMMED

part_strategy = st.fixed_dictionaries(
    {
        "shop": st.integers(0, 2),
        "method": st.sampled_from(["collect", "delivery", "hub"]),
        "status": st.sampled_from(STATUSES),
        "lines": st.lists(
            st.tuples(st.integers(0, 5), st.integers(1, 4), st.integers(1, 9_999)),
            min_size=1,
            max_size=3,
        ),
        "refund_share": st.sampled_from([0, 0, 25, 100]),
        "snapshot": st.booleans(),
        "completed_after_minutes": st.none() | st.integers(0, 600),
    }
)
order_strategy = st.fixed_dictionaries(
    {
        "day": st.integers(0, 3),
        "minute": st.sampled_from([0, 1, 59, 61, 700, 1_379, 1_381, 1_439]),
        "parts": st.lists(part_strategy, min_size=1, max_size=3, unique_by=lambda p: p["shop"]),
    }
)


@dataclass
class Town:
    shops: list
    offers: list
    slot: object


@pytest.fixture
def town(db) -> Town:
    shops = [ShopFactory() for _ in range(3)]
    root = Category.add_root(name="Alles")
    categories = [root.add_child(name="Een"), root.add_child(name="Twee")]
    offers = []
    for index in range(6):
        offer = make_offer(shops[index % 3], title=f"product {index}")
        if index % 3:
            ProductCategory.objects.create(product=offer.product, category=categories[index % 2])
        offers.append(offer)
    return Town(shops, offers, make_slot(make_zone(), day=FIRST_DAY))


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def without_vat(total: Decimal) -> Decimal:
    return cents(total / Decimal("1.21"))


def write_order(town: Town, number: int, spec: dict) -> None:
    placed = datetime.combine(
        FIRST_DAY + timedelta(days=spec["day"]), time(0), tzinfo=AMSTERDAM
    ) + timedelta(minutes=spec["minute"])
    order = Order.objects.create(
        number=f"R{number:05d}",
        site_id=settings.SITE_ID,
        currency="EUR",
        total_incl_tax=0,
        total_excl_tax=0,
        status="Paid",
        date_placed=placed,
    )
    payment = Payment.objects.create(order=order, gateway="offline", amount=0)
    for part_spec in spec["parts"]:
        write_part(town, order, payment, placed, part_spec)


def write_part(town: Town, order, payment, placed: datetime, spec: dict) -> None:
    shop = town.shops[spec["shop"]]
    paid = spec["status"] != "pending_payment"
    done = spec["completed_after_minutes"]
    part = OrderPart.objects.create(
        order=order,
        shop=shop,
        method=spec["method"],
        status=spec["status"],
        pickup_code="X",
        slot=town.slot if spec["method"] == "delivery" else None,
        subtotal_incl_vat=0,
        placed_at=placed if paid else None,
        ready_at=placed if paid else None,
        completed_at=placed + timedelta(minutes=done) if paid and done is not None else None,
    )
    lines = []
    for offer_index, quantity, cents in spec["lines"]:
        offer = town.offers[(offer_index // 3) * 3 + spec["shop"]]  # one of the shop's own
        if any(line.stockrecord_id == offer.pk for line in lines):
            continue
        total = Decimal(cents) / 100 * quantity
        lines.append(
            Line.objects.create(
                order=order,
                partner=shop.partner,
                partner_name="x",
                stockrecord=offer,
                product=offer.product,
                title="x",
                quantity=quantity,
                num_allocated=quantity,
                line_price_incl_tax=total,
                line_price_excl_tax=without_vat(total),
                line_price_before_discounts_incl_tax=total,
                line_price_before_discounts_excl_tax=total,
            )
        )
    gross = sum((line.line_price_incl_tax for line in lines), Decimal("0.00"))
    if spec["snapshot"] and paid:
        snapshot(part, lines, gross)
    if spec["refund_share"] and paid and gross:
        amount = (gross * spec["refund_share"] / 100).quantize(Decimal("0.01"))
        Refund.objects.create(
            payment=payment,
            part=part,
            amount=max(amount, Decimal("0.01")),
            idempotency_key=f"r-{part.pk}",
        )


def snapshot(part, lines, gross) -> None:
    per_line = [
        (line.line_price_incl_tax * Decimal("0.07")).quantize(Decimal("0.01")) for line in lines
    ]
    commission = sum(per_line, Decimal("0.00")) + Decimal("0.25")
    snapshot = PartCommission.objects.create(
        part=part,
        plan_name="x",
        percentage=7,
        gross=gross,
        fixed_fee=Decimal("0.25"),
        commission=commission,
        vat_on_commission=cents(commission * Decimal("0.21")),
    )
    for line, amount in zip(lines, per_line, strict=True):
        LineCommission.objects.create(
            order_line=line, part=snapshot, percentage=7, commission=amount
        )


def assert_same_figures(scope: Scope, period: Period) -> None:
    rolled = selectors.summary_for_scope(scope=scope, period=period)
    straight = direct.summary_direct(scope=scope, period=period)
    assert {f: getattr(rolled, f) for f in SUMMED} == {f: getattr(straight, f) for f in SUMMED}
    # A shop whose parts were all rejected has a row of its own (its lost parts), no lines.
    shops = {
        row["shop"]: (row["lines"], row["units"], row["gmv"], row["gmv_excl_vat"])
        for row in selectors.shops_for_scope(scope=scope, period=period)
        if row["lines"]
    }
    names = {shop.pk: shop.partner.name for shop in selectors.Shop.objects.all()}
    assert shops == {
        names[shop_id]: (row["lines"], row["units"], row["gmv"], row["gmv_excl_vat"])
        for shop_id, row in direct.shops_direct(scope=scope, period=period).items()
    }
    categories = {
        row["category_id"]: (row["lines"], row["units"], row["gmv"])
        for row in selectors.categories_for_scope(scope=scope, period=period)
    }
    assert categories == {
        key: (row["lines"], row["units"], row["gmv"])
        for key, row in direct.categories_direct(scope=scope, period=period).items()
    }
    top = selectors.top_products_for_scope(scope=scope, period=period, limit=50)
    assert [(r["product_id"], r["units"], r["gmv"]) for r in top] == [
        (r["product_id"], r["units"], r["gmv"])
        for r in direct.top_products_direct(scope=scope, period=period, limit=50)
    ]
    if scope.shop is None:  # the walk over the blocks, made to stop as early as it can
        walked = blocks.top_products_walk(period.start, period.end, 2, first_depth=1)
        assert [(r["product_id"], r["units"], r["gmv"]) for r in walked] == [
            (r["product_id"], r["units"], r["gmv"])
            for r in direct.top_products_direct(scope=scope, period=period, limit=2)
        ]
    series = selectors.time_series_for_scope(scope=scope, period=period, granularity="day")
    straight_series = direct.time_series_direct(scope=scope, period=period, granularity="day")
    assert {
        row["period"]: (row["gmv"], row["orders"]) for row in series if row["gmv"] or row["orders"]
    } == {day: (row["gmv"], row["orders"]) for day, row in straight_series.items()}


@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders=st.lists(order_strategy, max_size=6))
def test_rollups_equal_a_direct_aggregation_over_order_lines(town, orders):
    with transaction.atomic():
        for number, spec in enumerate(orders):
            write_order(town, number, spec)
        rebuild_sales_rollups()
        for period in (
            Period(start=FIRST_DAY, end=FIRST_DAY + timedelta(days=3)),
            Period(start=FIRST_DAY + timedelta(days=1), end=FIRST_DAY + timedelta(days=2)),
        ):
            for scope in [Scope(), *(Scope(shop) for shop in town.shops)]:
                assert_same_figures(scope, period)
        transaction.set_rollback(True)


def test_the_beat_refresh_catches_up_with_changes_after_the_watermark(town):
    spec = {
        "day": 1,
        "minute": 700,
        "parts": [
            {
                "shop": 0,
                "method": "collect",
                "status": "accepted",
                "lines": [(0, 2, 1_000)],
                "refund_share": 0,
                "snapshot": True,
                "completed_after_minutes": None,
            },
        ],
    }
    write_order(town, 1, spec)
    period = Period(start=FIRST_DAY, end=FIRST_DAY + timedelta(days=3))
    assert refresh_changed_sales() == 1  # no watermark yet: every day with a sale
    assert ProductSalesBlock.objects.filter(gmv=Decimal("20.00")).count() == len(BLOCK_SIZES)
    assert selectors.summary_for_scope(scope=Scope(), period=period).gmv == Decimal("20.00")
    part = OrderPart.objects.get()
    OrderPart.objects.filter(pk=part.pk).update(
        status="rejected", rejected_at=datetime.now(AMSTERDAM)
    )
    # The beat comes five minutes later, and again five minutes after that.
    later = timezone.now() + WATERMARK_OVERLAP + timedelta(seconds=30)
    assert refresh_changed_sales(now=later) == 1  # only the part's sale day is summed again
    summary = selectors.summary_for_scope(scope=Scope(), period=period)
    assert (summary.gmv, summary.lost_parts, summary.lost_value) == (
        Decimal("0.00"),
        1,
        Decimal("20.00"),
    )
    assert not ProductSalesBlock.objects.exists()  # its product sold nothing any more
    assert refresh_changed_sales(now=later + WATERMARK_OVERLAP) == 0  # nothing changed since
