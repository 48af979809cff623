"""The demo city's money: every part that left a shop has its payout and its sent transfer,
every shop its settlements of the complete past weeks, to the cent, made once and sending
nothing; the demo shop owner sees them on /shop/money/."""

from collections import defaultdict
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from oscar.core.loading import get_model

from logistics.models import OrderPart, PartStatus
from marketplace.commission.ledger import money_of, opening_money
from marketplace.commission.models import PartPayout, Settlement, SettlementLine
from marketplace.commission.settlements import local_midnight, period_of, settle_shop
from marketplace.demo_city.generator import SIZES
from marketplace.demo_city.money_history import shops_to_pay
from marketplace.models import DemoCitySeed
from marketplace.payments import tasks
from marketplace.payments.models import Transfer, TransferReversal, TransferStatus
from shops.models import Shop
from tests.conftest import DEMO_TODAY, client_for, seed_demo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_city")]
Order = get_model("order", "Order")
User = get_user_model()
OWNER = "winkelier1@stadsmarkt.test"
ZERO = Decimal("0.00")
LEFT = [PartStatus.COLLECTED, PartStatus.DELIVERED]


def owners_shop() -> Shop:
    return Shop.objects.get(partner__users__email=OWNER)


def money_rows() -> dict:
    """Every money row by natural key, so two loads compare whatever their ids."""
    return {
        "payouts": {
            p.part_id: (
                *(getattr(p, name) for name in PartPayout.LEDGER_FIELDS),
                p.delivery_fee,
                p.completed_at,
                p.settlement and (p.settlement.shop_id, p.settlement.period_start),
            )
            for p in PartPayout.objects.select_related("settlement")
        },
        "transfers": set(
            Transfer.objects.values_list(
                "idempotency_key", "amount", "status", "reference", "sent_at", "transfer_group"
            )
        ),
        "settlements": set(
            Settlement.objects.values_list(
                "shop_id", "period_start", "period_end", "created_at", *SettlementLine.FIGURES
            )
        ),
        "lines": set(
            SettlementLine.objects.values_list(
                "settlement__shop_id",
                "settlement__period_start",
                "payout__part_id",
                "is_adjustment",
                *SettlementLine.FIGURES,
            )
        ),
    }


def test_every_part_that_left_a_shop_has_its_payout_and_a_sent_transfer():
    parts = {p.pk: p for p in OrderPart.objects.filter(status__in=LEFT)}
    payouts = list(PartPayout.objects.all())
    assert len(parts) > 1_000
    assert {p.part_id for p in payouts} == set(parts), "no payout for lost parts"
    transfers = {t.payout_id: t for t in Transfer.objects.all()}
    assert len(transfers) == len(payouts), "every part has something due"
    for payout in payouts:
        part = parts[payout.part_id]
        # As hand-over stamps it: a delivery leaves the shop with the courier.
        assert payout.completed_at == (part.handed_over_at or part.completed_at)
        transfer = transfers[payout.pk]
        assert transfer.idempotency_key == f"transfer-part-{part.pk}"
        assert (transfer.status, transfer.shop_id) == (TransferStatus.SENT, part.shop_id)
        assert transfer.amount == payout.transferred > 0
        assert transfer.reference and transfer.sent_at == payout.completed_at
    assert not TransferReversal.objects.exists()


def test_payouts_carry_the_ledgers_own_figures():
    # Orders of several shops, whose card fee is spread over the parts, and deliveries.
    shared = OrderPart.objects.values("order_id").annotate(n=Count("id")).filter(n__gt=1)
    orders = list(shared.order_by("order_id").values_list("order_id", flat=True)[:25])
    sample = list(PartPayout.objects.filter(part__order_id__in=orders))
    sample += list(PartPayout.objects.filter(delivery_fee__gt=0).order_by("pk")[:15])
    assert len({p.part.order_id for p in sample}) > 20
    for payout in sample:
        money = opening_money(part=payout.part)
        assert payout.delivery_fee == money.delivery_fee
        for name in PartPayout.LEDGER_FIELDS:
            assert getattr(payout, name) == getattr(money.ledger, name), name


def test_each_orders_transfers_and_fees_add_up_to_what_was_charged():
    transfers = dict(Transfer.objects.values_list("payout_id", "amount"))
    by_order = defaultdict(list)
    for payout in PartPayout.objects.select_related("part"):
        by_order[payout.part.order_id].append(payout)
    lost = set(
        OrderPart.objects.exclude(status__in=LEFT).values_list("order_id", flat=True)
    )  # their refunds are not in the demo
    totals = dict(Order.objects.values_list("pk", "total_incl_tax"))
    checked = 0
    for order_id, payouts in by_order.items():
        if order_id in lost:
            continue
        charged = sum((p.charged + p.delivery_fee for p in payouts), ZERO)
        moved = sum(
            (
                transfers[p.pk]
                + money_of(p, transfer=transfers[p.pk], reversed_=ZERO).platform_fees
                for p in payouts
            ),
            ZERO,
        )
        assert charged == moved == totals[order_id]
        checked += 1
    assert checked > 1_000


def test_settlements_cover_every_complete_week_and_never_the_current_one():
    this_week, _ = period_of(DEMO_TODAY)
    settlements = list(Settlement.objects.all())
    assert len(settlements) > 300
    assert max(s.period_end for s in settlements) == this_week
    for settlement in settlements:
        assert settlement.created_at == local_midnight(settlement.period_end)
    unsettled = PartPayout.objects.filter(settlement__isnull=True)
    assert not unsettled.filter(completed_at__lt=local_midnight(this_week)).exists()
    for payout in PartPayout.objects.select_related("settlement")[:500]:
        if payout.settlement:
            start, end = payout.settlement.period_start, payout.settlement.period_end
            assert local_midnight(start) <= payout.completed_at < local_midnight(end)


def test_a_shops_settlements_add_up_to_its_transfers_to_the_cent():
    shop = owners_shop()
    settlements = list(Settlement.objects.filter(shop=shop))
    assert len(settlements) >= 12
    for settlement in settlements:
        parts = list(settlement.parts.select_related("transfer"))
        lines = list(settlement.lines.all())
        reversed_ = sum(
            (r.amount for r in TransferReversal.objects.filter(transfer__payout__in=parts)), ZERO
        )
        assert settlement.net == sum((p.transfer.amount for p in parts), ZERO) - reversed_
        assert settlement.gross == sum((p.charged for p in parts), ZERO)
        for name in SettlementLine.FIGURES:
            assert getattr(settlement, name) == sum((getattr(x, name) for x in lines), ZERO)
        assert settlement.refunds == ZERO and settlement.net > 0
        assert {x.payout_id for x in lines} == {p.pk for p in parts}


def test_loading_again_changes_nothing_and_sends_nothing():
    shop = owners_shop()
    before = money_rows()
    # Pretend the first run died in its money step: the shop's last week and its parts gone.
    last = Settlement.objects.filter(shop=shop).order_by("-period_start").first()
    parts = list(last.parts.values_list("pk", flat=True))
    last.lines.all().delete()
    PartPayout.objects.filter(pk__in=parts).update(settlement=None)
    last.delete()
    Transfer.objects.filter(payout__in=parts[:3]).delete()
    PartPayout.objects.filter(pk__in=parts[:3]).delete()
    DemoCitySeed.objects.update(completed_at=None)
    with mock.patch.object(tasks.send_transfer, "delay") as send:
        seed_demo()
        again = settle_shop(shop_id=shop.pk, start=last.period_start, end=last.period_end)
    assert money_rows() == before
    assert (again.period_start, again.net) == (last.period_start, last.net)
    send.assert_not_called()


def test_the_demo_shop_owner_sees_statements_and_downloads_them():
    shop = owners_shop()
    browser = client_for(User.objects.get(email=OWNER))
    page = browser.get("/shop/money/")
    assert page.status_code == 200
    settlements = list(page.context["settlements"])
    assert settlements == list(Settlement.objects.filter(shop=shop).order_by("-period_start"))
    assert page.content.decode().count('class="settlement-row"') == len(settlements)
    latest = settlements[0]
    assert browser.get(f"/shop/money/{latest.pk}/").status_code == 200
    pdf = browser.get(f"/shop/money/{latest.pk}/statement.pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")
    csv = browser.get(f"/shop/money/{latest.pk}/statement.csv")
    assert (csv.status_code, csv["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert csv.content.decode().splitlines()[-1].endswith(f",{latest.net}")

    staff = client_for(User.objects.get(email="beheer@stadsmarkt.test"))
    rows = staff.get("/management/settlements/").context["settlements"]
    assert rows[0].transfers_sent == rows[0].parts_count > 0
    assert rows[0].transfers_held == rows[0].transfers_pending == 0


def test_a_large_city_pays_out_only_the_demo_owners_shops():
    assert shops_to_pay([7, 8, 9], SIZES["demo"]) == [7, 8, 9]
    assert shops_to_pay([7, 8, 9], SIZES["large"]) == [7, 8]
