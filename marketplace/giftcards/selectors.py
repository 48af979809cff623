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
        "redeemed": by_kind.get(EntryKind.REDEMPTION, ZERO),
        "refunded": by_kind.get(EntryKind.REFUND, ZERO),
        "expired": by_kind.get(EntryKind.EXPIRY, ZERO),
        "paid_to_shops": by_kind.get(EntryKind.PAYOUT, ZERO),
        # Liabilities are credit balances: shown as positive amounts owed.
        "owed_to_holders": -balances.get(AccountKind.CARD, ZERO),
        "owed_to_shops": -balances.get(AccountKind.SHOP, ZERO),
        "cash": balances.get(AccountKind.CASH, ZERO),
        "breakage": -balances.get(AccountKind.BREAKAGE, ZERO),
    }


def shop_balances():
    """Per shop: spent at its counter, sold there, and what is owed to it now."""
    return (
        Posting.objects.filter(account__kind=AccountKind.SHOP)
        .values("account__shop_id", "account__shop__partner__name")
        .annotate(
            owed=-Sum("amount"),
            redeemed=Sum("entry__amount", filter=Q(entry__kind=EntryKind.REDEMPTION)),
            sold=Sum("entry__amount", filter=Q(entry__kind=EntryKind.COUNTER_SALE)),
        )
        .order_by("account__shop__partner__name")
    )


def card_counts() -> dict[str, int]:
    rows = GiftCard.objects.values("status").annotate(n=Count("pk"))
    counts = {status: 0 for status in CardStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
