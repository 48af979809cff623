"""A part's money in and out of its shop, from its ledger: the shop's transfer once the goods
left the shop, and refunds of a part that reverse it.

The ledger decides the amounts here, under the part's payout row lock, in the caller's
transaction; payments records the transfer, refund and reversal rows and sends them after
the commit, with idempotency keys derived from those rows (`transfer-part-<part>`,
`reversal-<refund>`), so no retry moves money twice.
"""

from decimal import Decimal

from marketplace.payments.models import Refund, Transfer
from marketplace.payments.services import request_refund
from marketplace.payments.transfers import record_reversal, record_transfer, reversed_of

from .ledger import mark_completed, money_of, open_payout, store_money
from .models import PartPayout
from .part_money import refund_part_money, transfer_due

ZERO = Decimal("0.00")


class RefundRefused(Exception):
    pass


def locked_payout(part) -> PartPayout:
    payout = open_payout(part=part)
    return PartPayout.objects.select_for_update().get(pk=payout.pk)


def schedule_part_transfer(*, part) -> Transfer | None:
    """The goods left the shop: record the shop's transfer once (None when nothing is due).

    Call inside the hand-over transaction; takes the payout row lock. Sent after the commit,
    or held until the shop's payout account can take transfers. Safe to call again.
    """
    payout = locked_payout(part)
    mark_completed(payout)
    existing = Transfer.objects.filter(payout=payout).first()
    if existing:
        return existing
    amount = transfer_due(money_of(payout, transfer=None, reversed_=ZERO))
    if amount <= 0:
        return None
    return record_transfer(
        payout=payout,
        shop=part.shop,
        amount=amount,
        transfer_group=part.order.number,
        key=f"transfer-part-{part.pk}",
    )


def refund_part_payment(*, part, amount: Decimal, key: str, reason: str = "") -> Refund:
    """Refunds `amount` of one shop's part to the consumer: its ledger reverses commission,
    VAT and card fee in proportion, and a transfer already recorded is reversed by the shop's
    share. Call inside a transaction; takes the payout row lock. Idempotent by `key`.
    Raises RefundRefused (nothing changed) for an amount the part does not have left.
    """
    payout = locked_payout(part)
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing:
        return existing
    transfer = Transfer.objects.filter(payout=payout).first()
    money = money_of(
        payout, transfer=transfer.amount if transfer else None, reversed_=reversed_of(transfer)
    )
    try:
        effect = refund_part_money(money, amount)
    except ValueError as error:
        raise RefundRefused(str(error)) from error
    store_money(payout, effect.part)
    refund = request_refund(
        payment=part.order.payment,
        amount=amount,
        key=key,
        part=part,
        reason=reason,
    )
    if transfer is not None and effect.transfer_reversal > 0:  # no transfer: nothing reverses
        record_reversal(transfer, refund, effect.transfer_reversal)
    return refund


def refundable_of(part) -> Decimal:
    """What of the part is still the consumer's to get back: less lines refused before.
    Takes the payout row lock; call inside a transaction."""
    payout = locked_payout(part)
    transfer = Transfer.objects.filter(payout=payout).first()
    return money_of(
        payout, transfer=transfer.amount if transfer else None, reversed_=reversed_of(transfer)
    ).refundable
