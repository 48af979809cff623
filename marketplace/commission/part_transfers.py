"""A part's money in and out of its shop, from its ledger: the shop's transfer once the goods
left the shop, and refunds of a part that reverse it.

The ledger decides the amounts here, under the part's payout row lock, in the caller's
transaction; payments records the transfer, refund and reversal rows and sends them after
the commit, with idempotency keys derived from those rows (`transfer-part-<part>`,
`reversal-<refund>`), so no retry moves money twice.
"""

from decimal import Decimal

from marketplace.giftcards.online import return_to_card, set_off
from marketplace.giftcards.selectors import card_share_of_part, open_card_share_of_part
from marketplace.payments.models import Refund, Transfer
from marketplace.payments.services import request_refund
from marketplace.payments.transfers import record_reversal, record_transfer, reversed_of

from . import contributions
from .ledger import mark_completed, money_of, open_payout, store_money
from .models import PartPayout
from .part_money import transfer_due

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
    # What a city gift card paid of the part reaches the shop on its gift card statement;
    # the transfer brings the rest. A card share above the part's net is set off there.
    amount -= open_card_share_of_part(part_id=part.pk)
    if amount < 0:
        set_off(shop_id=part.shop_id, amount=-amount, key=f"transfer-part-{part.pk}")
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
    share. What a city gift card paid of the part (not yet returned) goes back onto the card
    first, in this transaction; the gateway refunds the rest. Call inside a transaction;
    takes the payout row lock (then the card share's). Idempotent by `key`.
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
        effect = contributions.refund_of_part(part, money, amount)  # campaign-aware
    except ValueError as error:
        raise RefundRefused(str(error)) from error
    store_money(payout, effect.part)
    # The part's gift card share goes back onto the card first; the gateway refunds the rest.
    on_card = return_to_card(part_id=part.pk, amount=amount, key=key)
    refund = request_refund(
        payment=part.order.payment,
        amount=amount,
        key=key,
        part=part,
        reason=reason,
        gift_card_amount=on_card,
    )
    if not card_share_of_part(part_id=part.pk):
        if transfer is not None and effect.transfer_reversal > 0:  # no transfer: none reverses
            record_reversal(transfer, refund, effect.transfer_reversal)
    elif transfer is not None or payout.completed_at is not None:
        shop_loses = money.ledger.net_transfer - effect.part.ledger.net_transfer
        take_back_from_shop(part, transfer, refund, shop_loses - on_card, key=key)
    return refund


def take_back_from_shop(part, transfer: Transfer | None, refund: Refund, amount, *, key: str):
    """After the goods left: what the shop gives back of a refund beyond the card share its
    gift card statement returns, by reversing its transfer; what the transfer cannot take
    (or a negative amount: the card took back more than the shop's share) is set off on its
    gift card statement. No transfer yet: nothing, it will be smaller."""
    if transfer is not None and amount > 0:
        taken = min(amount, transfer.amount - reversed_of(transfer))
        if taken > 0:
            record_reversal(transfer, refund, taken)
            amount -= taken
    set_off(shop_id=part.shop_id, amount=amount, key=f"refund-{key}")


def refundable_of(part) -> Decimal:
    """What of the part is still the consumer's to get back: less lines refused before.
    Takes the payout row lock; call inside a transaction."""
    payout = locked_payout(part)
    transfer = Transfer.objects.filter(payout=payout).first()
    money = money_of(
        payout, transfer=transfer.amount if transfer else None, reversed_=reversed_of(transfer)
    )
    return contributions.refundable_of_part(part, money)  # campaign-aware
