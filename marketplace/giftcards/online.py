"""A card spent online on an order across shops (issue 21, point 1).

When the order is placed, the card's amount is HELD: one guarded UPDATE takes it off the
balance (two orders spending the last euros of one card at once cannot both succeed) and a
HOLD entry moves it to the held account; it is spread over the order's parts at once. When
the rest is paid, each part's share is SPENT at its shop (an ONLINE_SPEND entry, stated on
the shop's weekly settlement like a counter redemption). When the payment fails or expires,
the hold is RELEASED back onto the card. A refund of a part puts its card share back onto the
card first (CARD_RETURN). Every step runs in its caller's transaction and has its own key,
so a replay changes nothing."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import ledger
from .models import (
    CardStatus,
    Entry,
    EntryKind,
    GiftCard,
    OrderCardUse,
    PartCardShare,
    UseStatus,
)
from .services import Refused, usable_now

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def split_over_parts(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`total` spread over parts in proportion to `weights`, to the cent, adding up exactly:
    each part rounded down, the last gets the remainder. Pure."""
    whole = sum(weights, ZERO)
    if total < 0 or whole <= 0 or total > whole:
        raise ValueError(f"cannot spread {total} over {weights}")
    shares = [(total * weight / whole).quantize(CENT, rounding="ROUND_DOWN") for weight in weights]
    shares[-1] = total - sum(shares[:-1], ZERO)
    return shares


class AmountRefused(Refused):
    """The amount asked for cannot be taken (the card itself is fine)."""


def hold_for_order(*, order, card_id: int, amount: Decimal | None, parts: list) -> OrderCardUse:
    """Holds `amount` of the card (None: as much as the card and the order allow) for the
    unpaid `order` and spreads it over `parts` (its OrderParts) by their totals. Call inside
    the order-placing transaction, so a Refused rolls the whole order back. Raises Refused
    for the card, AmountRefused for the amount."""
    total = sum((part.subtotal_incl_vat + part.delivery_fee_incl_vat for part in parts), ZERO)
    if amount is None:
        amount = min(GiftCard.objects.get(pk=card_id).balance, total)
        if amount <= 0:
            raise Refused(_("This gift card has been spent in full."))
    if amount <= 0 or amount != amount.quantize(CENT):
        raise AmountRefused(_("Give an amount above zero, in whole cents."))
    if amount > total:
        raise AmountRefused(
            _("The order comes to %(total)s euros: use at most that much of the card.")
            % {"total": number_format(total, 2)}
        )
    taken = GiftCard.objects.filter(
        pk=card_id, status=CardStatus.ACTIVE, expires_at__gt=timezone.now(), balance__gte=amount
    ).update(balance=F("balance") - amount)
    if not taken:
        card = GiftCard.objects.get(pk=card_id)
        if problem := usable_now(card):
            raise Refused(problem)
        raise AmountRefused(
            _("Only %(balance)s euros are left on this card.")
            % {"balance": number_format(card.balance, 2)}
        )
    card = GiftCard.objects.get(pk=card_id)
    use = OrderCardUse.objects.create(
        order=order, card=card, amount=amount, created_at=timezone.now()
    )
    weights = [part.subtotal_incl_vat + part.delivery_fee_incl_vat for part in parts]
    PartCardShare.objects.bulk_create(
        PartCardShare(use=use, part=part, amount=share)
        for part, share in zip(parts, split_over_parts(amount, weights), strict=True)
        if share > 0
    )
    ledger.post(kind=EntryKind.HOLD, amount=amount, key=f"hold-order-{order.pk}", card=card)
    return use


def release_hold(*, order_id: int) -> bool:
    """The order's payment failed or expired: its held card money goes back onto the card.
    Call inside the cancelling transaction. False when nothing was held (or a replay)."""
    with transaction.atomic():
        if not OrderCardUse.objects.filter(order_id=order_id, status=UseStatus.HELD).update(
            status=UseStatus.RELEASED
        ):
            return False
        use = OrderCardUse.objects.select_related("card").get(order_id=order_id)
        GiftCard.objects.filter(pk=use.card_id).update(balance=F("balance") + use.amount)
        ledger.post(
            kind=EntryKind.RELEASE,
            amount=use.amount,
            key=f"release-order-{order_id}",
            card=use.card,
        )
        # The card expired while its money was held: that money expires now too.
        if GiftCard.objects.filter(pk=use.card_id, status=CardStatus.EXPIRED).update(
            balance=F("balance") - use.amount
        ):
            ledger.post(
                kind=EntryKind.EXPIRY,
                amount=use.amount,
                key=f"expire-release-order-{order_id}",
                card=use.card,
            )
    return True


def spend_hold(*, order_id: int) -> bool:
    """The rest of the order is paid: each part's share is spent at its shop. Call inside
    the confirming transaction. False when nothing was held (or a replay)."""
    with transaction.atomic():
        if not OrderCardUse.objects.filter(order_id=order_id, status=UseStatus.HELD).update(
            status=UseStatus.SPENT
        ):
            return False
        shares = PartCardShare.objects.filter(use__order_id=order_id).select_related(
            "part", "use__card"
        )
        for share in shares.order_by("pk"):
            ledger.post(
                kind=EntryKind.ONLINE_SPEND,
                amount=share.amount,
                key=f"online-spend-part-{share.part_id}",
                card=share.use.card,
                shop_id=share.part.shop_id,
            )
    return True


def return_to_card(*, part_id: int, amount: Decimal, key: str) -> Decimal:
    """A refund of `amount` of a part: what of the part's spent card share is not returned
    yet (up to `amount`) goes back onto the card, taken from the shop's gift card money.
    Returns what went back (0: no share, or the card expired or was closed; then the gateway
    refunds it all). Call inside the refund's transaction; locks the share row. The same key
    twice returns the first answer."""
    full_key = f"card-return-{key}"
    if done := Entry.objects.filter(idempotency_key=full_key).first():
        return done.amount
    share = (
        PartCardShare.objects.select_for_update()
        .select_related("use__card", "part")
        .filter(part_id=part_id, use__status=UseStatus.SPENT)
        .first()
    )
    if share is None or closed_for_returns(share.use.card):
        return ZERO
    back = min(amount, share.open_amount)
    if back <= 0:
        return ZERO
    PartCardShare.objects.filter(pk=share.pk).update(returned=F("returned") + back)
    GiftCard.objects.filter(pk=share.use.card_id).update(balance=F("balance") + back)
    ledger.post(
        kind=EntryKind.CARD_RETURN,
        amount=back,
        key=full_key,
        card=share.use.card,
        shop_id=share.part.shop_id,
    )
    return back


def closed_for_returns(card: GiftCard) -> bool:
    """True when money can no longer go back onto the card (expired, refunded, closed)."""
    if card.status != CardStatus.ACTIVE:
        return True
    return bool(card.expires_at and card.expires_at <= timezone.now())


def set_off(*, shop_id: int, amount: Decimal, key: str) -> None:
    """Squares a shop's online card shares with its part's transfer: positive, the shop got
    more from cards than the part's net and owes it back (taken off its next gift card
    payout); negative, a refund took more back than the transfer could give, so the centre
    owes it. Safe to call again with the same key."""
    if amount == 0:
        return
    kind = EntryKind.SHOP_OWES if amount > 0 else EntryKind.CENTRE_OWES
    full_key = f"set-off-{key}"
    if Entry.objects.filter(idempotency_key=full_key).exists():
        return
    try:
        with transaction.atomic():
            ledger.post(kind=kind, amount=abs(amount), key=full_key, shop_id=shop_id)
    except IntegrityError:  # posted by a concurrent run
        pass
