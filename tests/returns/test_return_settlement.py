"""A return shows in the shop's weekly settlement: the refund, and a lower net, to the cent.

One shop (5% plan) through Stripe (the local fake): 2 × 19.95 = 39.90 collected last week
(commission 2.00, VAT 0.42, card fee 0.85 -> transfer 36.63); then one book comes back and
the shop confirms it: 19.95 refunded, half of the transfer and of every fee reversed.
"""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.commission.settlements import settle_shops
from marketplace.payments.models import Refund, Transfer, TransferReversal
from marketplace.returns import services
from tests.commission.test_settlements import collected_order
from tests.conftest import set_clock
from tests.payments.conftest import (  # noqa: F401 (fixtures used by name)
    connected_shop,
    default_plan,
    fake_stripe,
    stripe_on,
)

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = date(2026, 11, 25)
LAST_WEEK = datetime(2026, 11, 18, 15, 0)


def test_the_settlement_after_a_return_shows_the_refund_and_the_lower_net(
    stripe_on,  # noqa: F811
    monkeypatch,
):
    set_clock(monkeypatch, timezone.make_aware(LAST_WEEK), ticking=True)
    default_plan()
    shop = connected_shop()
    part = collected_order(shop, "19.95", 2, intent="pi_return")
    [line] = part.lines()
    request = services.request_return(
        part_id=part.pk, consumer=part.order.user, chosen={line.pk: 1}, method="bring"
    )
    services.confirm_receipt(return_id=request.pk, shop_id=shop.pk, put_back_goods=True)
    set_clock(monkeypatch, timezone.make_aware(datetime.combine(TODAY, time(9))), ticking=True)

    [settlement] = settle_shops(today=TODAY)

    transfer = Transfer.objects.get(payout__part=part)
    reversal = TransferReversal.objects.get(transfer=transfer)
    assert transfer.amount == Decimal("36.63")
    assert Refund.objects.get(part=part).amount == Decimal("19.95")
    assert settlement.gross == Decimal("39.90")
    assert settlement.refunds == Decimal("19.95")
    assert settlement.net == transfer.amount - reversal.amount < Decimal("36.63")
    assert settlement.gross - settlement.refunds == (
        settlement.net
        + settlement.commission
        + settlement.vat_on_commission
        + settlement.payment_fees
    )
