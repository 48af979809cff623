"""What happens to a refused line's money. The design, in four rules:

1. Refused with no offer elsewhere: refunded at once (`refund_part_payment`, key
   `refused-line-<line>`), as a rejected part is.
2. Refused with offers: the line leaves its part's ledger at once (`hold_line_money`: the
   ledger books it as refunded, so the refusing shop is never paid for it and is charged
   no commission on it) but the consumer's money is *held* on the second chance
   (`SecondChance.held`) instead of going back to the card.
3. Moved: the new shop's part is charged the new price in its own ledger (opened from its
   commission snapshot like any part). The held money pays for it first; the consumer
   pays only a higher difference (a TopUp through the gateway) or gets only a lower one
   back (a refund with key `refused-line-<line>`).
4. Declined, or no choice within CHANCE_HOURS: the held money is refunded (same key).

A whole part rejected is refunded in full as before (commission's listener refunds what is
left of it); its lines get a second chance with nothing held, so a move pays the full price.

So for every order, to the cent, at every moment:

    payment + Σ paid top-ups − Σ refunds
        == Σ parts (transfers − reversals, or the transfer still due) + Σ platform fees
           + Σ money held on open chances

With Stripe a paid top-up is a second charge of the order (its own Checkout Session,
`TopUp.reference` its payment intent). The new part's transfer is drawn from the order's
charge while the order's transfers fit in it, else from the platform's balance
(payments.transfers.source_of). Refunds still go through the order's payment intent only.

(tests/reroute/test_money_properties.py runs random refusals, moves, declines, expiries,
rejections and hand-overs against it.)
"""

from decimal import Decimal

from marketplace.commission.ledger import money_of, store_money
from marketplace.commission.part_money import refund_part_money
from marketplace.commission.part_transfers import locked_payout
from marketplace.payments.models import Transfer
from marketplace.payments.services import request_refund

ZERO = Decimal("0.00")


def hold_line_money(*, part, amount: Decimal) -> None:
    """Takes `amount` out of the part's ledger without paying it back (rule 2). The part is
    placed or accepted, so no transfer was made that would need reversing."""
    payout = locked_payout(part)
    if Transfer.objects.filter(payout=payout).exists():
        raise ValueError("a part whose goods left the shop cannot refuse a line")
    effect = refund_part_money(money_of(payout, transfer=None, reversed_=ZERO), amount)
    store_money(payout, effect.part)


def give_back(*, chance, amount: Decimal, reason: str) -> None:
    """Refunds held money to the consumer (rules 3 and 4); its ledger effect was the hold."""
    if amount > 0:
        request_refund(
            payment=chance.part.order.payment,
            amount=amount,
            key=f"refused-line-{chance.line_id}",
            part=chance.part,
            reason=reason,
        )
