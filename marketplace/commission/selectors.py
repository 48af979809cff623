"""Reads of settlements, always scoped: a shop sees its own, management sees all."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import PartPayout, Settlement, SettlementLine


def settlements_for_shop(*, shop) -> QuerySet[Settlement]:
    return Settlement.objects.filter(shop=shop).order_by("-period_start")


def settlement_for_shop(*, shop, pk: int) -> Settlement:
    """Another shop's settlement is a 404, like one that does not exist."""
    return get_object_or_404(settlements_for_shop(shop=shop).select_related("shop__partner"), pk=pk)


def lines_of_settlement(*, settlement: Settlement) -> QuerySet[SettlementLine]:
    return (
        SettlementLine.objects.filter(settlement=settlement)
        .select_related("payout__part__order", "payout__transfer")
        .order_by("is_adjustment", "payout__completed_at", "pk")
    )


def unsettled_parts_for_shop(*, shop) -> QuerySet[PartPayout]:
    return (
        PartPayout.objects.filter(shop=shop, settlement__isnull=True, completed_at__isnull=False)
        .select_related("part__order", "transfer")
        .order_by("completed_at", "pk")
    )


def settlements_for_management() -> QuerySet[Settlement]:
    """All settlements with how many of their parts' transfers are sent, held or to send."""
    return (
        Settlement.objects.select_related("shop__partner", "gift_cards")
        .annotate(
            parts_count=Count("parts"),
            transfers_sent=Count("parts", filter=Q(parts__transfer__status="sent")),
            transfers_held=Count("parts", filter=Q(parts__transfer__status="held")),
            transfers_pending=Count("parts", filter=Q(parts__transfer__status="pending")),
        )
        .order_by("-period_start", "shop__partner__name")
    )
