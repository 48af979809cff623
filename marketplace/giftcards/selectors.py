"""Reads: a consumer's own cards, a shop's own gift card entries, management's figures."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.http import Http404

from .models import AccountKind, CardStatus, Entry, EntryKind, GiftCard, Posting, Purchase

ZERO = Decimal("0.00")


def purchase_of_buyer(*, user, token: str) -> Purchase:
    purchase = Purchase.objects.select_related("card").filter(token=token, card__buyer=user).first()
    if purchase is None:
        raise Http404
    return purchase


def card_sold_by_shop(*, shop, pk: int) -> GiftCard:
    card = GiftCard.objects.filter(pk=pk, sold_by=shop).first()
    if card is None:
        raise Http404
    return card


def recent_entries_of_shop(*, shop, limit: int = 20):
    return (
        Entry.objects.filter(shop=shop, kind__in=[EntryKind.REDEMPTION, EntryKind.COUNTER_SALE])
        .select_related("card")
        .order_by("-created_at", "-pk")[:limit]
    )


def centre_figures() -> dict[str, Decimal]:
    """The centre's books: sold, spent, refunded, expired, and what it owes today to card
    holders (the liability) and to shops."""
    by_kind = {
        row["kind"]: row["total"]
        for row in Entry.objects.values("kind").annotate(total=Sum("amount"))
    }
    balances = {
        row["account__kind"]: row["total"]
        for row in Posting.objects.values("account__kind").annotate(total=Sum("amount"))
    }
    return {
        "sold_online": by_kind.get(EntryKind.SALE, ZERO),
        "sold_at_counters": by_kind.get(EntryKind.COUNTER_SALE, ZERO),
        # At counters and online, less online shares refunded onto cards.
        "redeemed": by_kind.get(EntryKind.REDEMPTION, ZERO)
        + by_kind.get(EntryKind.ONLINE_SPEND, ZERO)
        - by_kind.get(EntryKind.CARD_RETURN, ZERO),
        "refunded": by_kind.get(EntryKind.REFUND, ZERO),
        "expired": by_kind.get(EntryKind.EXPIRY, ZERO),
        "paid_to_shops": by_kind.get(EntryKind.PAYOUT, ZERO),
        # Liabilities are credit balances: shown as positive amounts owed.
        "owed_to_holders": -balances.get(AccountKind.CARD, ZERO),
        "owed_to_shops": -balances.get(AccountKind.SHOP, ZERO),
        "cash": balances.get(AccountKind.CASH, ZERO),
        "breakage": -balances.get(AccountKind.BREAKAGE, ZERO),
        # Card money held for orders still being paid: spent or released soon.
        "held": -balances.get(AccountKind.HELD, ZERO),
    }


def shop_balances():
    """Per shop: spent at its counter, sold there, and what is owed to it now."""
    return (
        Posting.objects.filter(account__kind=AccountKind.SHOP)
        .values("account__shop_id", "account__shop__partner__name")
        .annotate(
            owed=-Sum("amount"),
            redeemed=Sum(
                "entry__amount",
                filter=Q(entry__kind__in=[EntryKind.REDEMPTION, EntryKind.ONLINE_SPEND]),
            ),
            sold=Sum("entry__amount", filter=Q(entry__kind=EntryKind.COUNTER_SALE)),
        )
        .order_by("account__shop__partner__name")
    )


def card_counts() -> dict[str, int]:
    rows = GiftCard.objects.values("status").annotate(n=Count("pk"))
    counts = {status: 0 for status in CardStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def open_card_share_of_part(*, part_id: int) -> Decimal:
    """What of a part the card paid and is not returned yet (0 without a spent share)."""
    from .models import PartCardShare, UseStatus

    share = PartCardShare.objects.filter(part_id=part_id, use__status=UseStatus.SPENT).first()
    return share.open_amount if share else ZERO


def card_share_of_part(*, part_id: int) -> Decimal:
    """What a card paid of a part in all (returned or not; 0 without a spent share)."""
    from .models import PartCardShare, UseStatus

    share = PartCardShare.objects.filter(part_id=part_id, use__status=UseStatus.SPENT).first()
    return share.amount if share else ZERO


def returned_to_card_of_part(*, part_id: int) -> Decimal:
    """What refunds of a part put back onto the card that paid it."""
    from .models import PartCardShare

    share = PartCardShare.objects.filter(part_id=part_id).first()
    return share.returned if share else ZERO


def card_amount_of_order(*, order_id: int) -> Decimal:
    """What a card pays of the order (held or spent; 0 when none or released)."""
    from .models import OrderCardUse, UseStatus

    use = OrderCardUse.objects.filter(
        order_id=order_id, status__in=[UseStatus.HELD, UseStatus.SPENT]
    ).first()
    return use.amount if use else ZERO


def card_use_of_order(*, order_id: int):
    """The order's card payment for its pages and e-mails: (shown code's last four, amount,
    {part id: share}), or None."""
    from .models import OrderCardUse, UseStatus

    use = (
        OrderCardUse.objects.filter(order_id=order_id, status__in=[UseStatus.HELD, UseStatus.SPENT])
        .select_related("card")
        .first()
    )
    if use is None:
        return None
    return {
        "last_four": use.card.code[-4:],
        "amount": use.amount,
        "shares": {share.part_id: share.amount for share in use.shares.all()},
    }


def online_spends_of_card(*, card_id: int):
    """The orders a card paid online, newest first, for its balance page."""
    return (
        Entry.objects.filter(card_id=card_id, kind=EntryKind.ONLINE_SPEND)
        .select_related("shop__partner")
        .order_by("-created_at", "-pk")
    )


def cards_of_buyer(*, user):
    """The cards a signed-in person bought, with their balance, for "my town" (community);
    not the unpaid or cancelled ones. Newest first."""
    return (
        GiftCard.objects.filter(buyer=user)
        .exclude(status__in=[CardStatus.PENDING, CardStatus.CANCELLED])
        .order_by("-created_at", "-pk")
    )
