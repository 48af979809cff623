"""Who pays the discount, in the shop's part ledger: the centre's discount leaves the shop's
money as without it (commission on the undiscounted price); the shop's own discount lowers
its revenue. Refunds of a discounted part reverse in proportion; the statement shows the
campaign line.

One shop sells 2 × 20.00 with 10% off (4.00), collected; the default 5% commission."""

from decimal import Decimal

import pytest

from logistics.part_states import accept_part, hand_over, mark_ready
from marketplace.campaigns.models import Payer
from marketplace.campaigns.statements import statement_rows
from marketplace.commission.ledger import open_payout
from marketplace.commission.part_transfers import refund_part_payment, refundable_of
from marketplace.commission.settlements import period_of, settle_shop
from marketplace.commission.statements import statement_csv, statement_pdf
from marketplace.ordering.services import confirm_order_paid
from marketplace.payments.models import Refund
from tests.campaigns.conftest import SUNDAY, campaign_of, order_of

pytestmark = pytest.mark.django_db
LEDGER = ("charged", "transferred", "commission", "vat_on_commission", "payment_fee")


def paid_part(town, *offers):
    order = order_of(town, *offers)
    assert confirm_order_paid(order_id=order.pk)
    return order, order.parts.get()


def ledger_of(part) -> dict:
    payout = open_payout(part=part)
    return {name: getattr(payout, name) for name in LEDGER}


def test_centre_paid_discount_leaves_the_shop_as_without_it(town):
    _order, plain = paid_part(town, ("novel", 2))  # before the campaign's shops opt in
    campaign_of(payer=Payer.CENTRE, shops=[town["books"]])
    order, part = paid_part(town, ("novel", 2))

    assert order.payment.amount == Decimal("36.00")
    assert ledger_of(part) == ledger_of(plain)
    assert ledger_of(part)["charged"] == Decimal("40.00")  # 36.00 paid + 4.00 by the centre
    assert ledger_of(part)["commission"] == Decimal("2.00")  # 5% of the undiscounted 40.00
    assert part.campaign_uses.get().centre_contribution == Decimal("4.00")


def test_shop_paid_discount_lowers_the_shops_revenue(town):
    campaign_of(payer=Payer.SHOP, shops=[town["books"]])
    _order, part = paid_part(town, ("novel", 2))

    ledger = ledger_of(part)
    assert (ledger["charged"], ledger["commission"], ledger["vat_on_commission"]) == (
        Decimal("36.00"),
        Decimal("1.80"),
        Decimal("0.38"),
    )
    assert part.campaign_uses.get().centre_contribution == Decimal("0.00")


def test_refunds_of_a_centre_discounted_part_reverse_in_proportion(town):
    campaign_of(payer=Payer.CENTRE, shops=[town["books"]])
    _order, part = paid_part(town, ("novel", 2))
    assert refundable_of(part) == Decimal("36.00")  # what the consumer paid, not 40.00

    refund_part_payment(part=part, amount=Decimal("18.00"), key="half")
    payout = open_payout(part=part)
    payout.refresh_from_db()
    assert (payout.refunded, refundable_of(part)) == (Decimal("20.00"), Decimal("18.00"))
    assert Refund.objects.get(idempotency_key="half").amount == Decimal("18.00")

    refund_part_payment(part=part, amount=Decimal("18.00"), key="rest")
    payout.refresh_from_db()
    assert payout.refunded == payout.charged == Decimal("40.00")
    assert payout.transferred - payout.transfer_reversed == Decimal("0.00")
    assert refundable_of(part) == Decimal("0.00")


def test_refund_beyond_what_the_consumer_paid_is_refused(town):
    from marketplace.commission.part_transfers import RefundRefused

    campaign_of(payer=Payer.CENTRE, shops=[town["books"]])
    _order, part = paid_part(town, ("novel", 2))
    with pytest.raises(RefundRefused):
        refund_part_payment(part=part, amount=Decimal("36.01"), key="too-much")
    assert not Refund.objects.filter(idempotency_key="too-much").exists()


@pytest.mark.parametrize(
    ("payer", "label"),
    [
        (Payer.CENTRE, "Campaign “Koopzondag”: discount the centre pays you (in the gross sales)"),
        (Payer.SHOP, "Campaign “Koopzondag”: discount your shop gave (not in the gross sales)"),
    ],
)
def test_settlement_shows_the_campaign_line(town, payer, label):
    campaign_of(payer=payer, shops=[town["books"]])
    _order, part = paid_part(town, ("novel", 2))
    shop = town["books"]
    accept_part(part_id=part.pk, shop_id=shop.pk)
    mark_ready(part_id=part.pk, shop_id=shop.pk)
    hand_over(part_id=part.pk, shop_id=shop.pk, code=part.pickup_code)
    start, end = period_of(SUNDAY.date())

    settlement = settle_shop(shop_id=shop.pk, start=start, end=end)

    assert settlement.gross == (Decimal("40.00") if payer == Payer.CENTRE else Decimal("36.00"))
    assert statement_rows(settlement) == [(label, Decimal("4.00"))]
    assert statement_pdf(settlement).startswith(b"%PDF")
    assert statement_csv(settlement).splitlines()[-1] == f"{label},,4.00"
