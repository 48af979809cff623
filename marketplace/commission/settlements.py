"""Settlements: one statement per shop per period (a week by default), of the parts whose
goods left the shop in it. Making one twice finds the first (unique per shop and period),
and the transfers it sends are the parts' own, keyed by part, so nothing is paid twice."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from marketplace.giftcards import settlement as gift_cards
from marketplace.outbox import enqueue

from .models import PartPayout, Settlement, SettlementLine

ZERO = Decimal("0.00")


def period_of(day: date, *, days: int | None = None) -> tuple[date, date]:
    """The period holding `day`: weeks start on Monday; other lengths count from 2024-01-01,
    a Monday, so periods never overlap."""
    days = days or settings.SETTLEMENT_PERIOD_DAYS
    offset = (day - date(2024, 1, 1)).days % days
    start = day - timedelta(days=offset)
    return start, start + timedelta(days=days)


def last_complete_period(today: date) -> tuple[date, date]:
    start, _ = period_of(today)
    return period_of(start - timedelta(days=1))


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def unsettled_in(*, start: date, end: date):
    return PartPayout.objects.filter(
        settlement__isnull=True,
        completed_at__gte=local_midnight(start),
        completed_at__lt=local_midnight(end),
    )


def figures_now(payout: PartPayout) -> dict[str, Decimal]:
    """The part's statement figures as its ledger stands now (fees net of reversals)."""
    return {
        "gross": payout.charged,
        "refunds": payout.refunded,
        "commission": payout.commission - payout.commission_reversed,
        "vat_on_commission": payout.vat_on_commission - payout.vat_on_commission_reversed,
        "payment_fees": payout.payment_fee - payout.payment_fee_reversed,
        "net": payout.transferred - payout.transfer_reversed,
    }


def not_yet_stated(payout: PartPayout) -> dict[str, Decimal]:
    """What the part's earlier statements did not show yet: all of it, or a later refund."""
    shown = payout.settlement_lines.aggregate(
        **{name: Sum(name) for name in SettlementLine.FIGURES}
    )
    return {name: value - (shown[name] or ZERO) for name, value in figures_now(payout).items()}


def settle_shop(*, shop_id: int, start: date, end: date) -> Settlement | None:
    """The shop's settlement of the period, made once; None when nothing happened in it.

    Takes row locks on the payouts it states; sends (after the commit) the transfers of its
    parts still pending, each with its part's idempotency key.
    """
    from marketplace.payments.tasks import send_transfer

    with transaction.atomic():
        settlement = Settlement.objects.filter(shop_id=shop_id, period_start=start).first()
        settlement = settlement or make_settlement(shop_id=shop_id, start=start, end=end)
        if settlement is None:
            return None
        gift_cards.state_on_settlement(
            settlement_id=settlement.pk,
            shop_id=shop_id,
            since=local_midnight(start),
            until=local_midnight(end),
        )
        for transfer_id in pending_transfers_of(settlement):
            enqueue(send_transfer, transfer_id)
    return settlement


def make_settlement(*, shop_id: int, start: date, end: date) -> Settlement | None:
    """The period's parts, plus what changed since on parts stated before (late refunds)."""
    new = list(unsettled_in(start=start, end=end).filter(shop_id=shop_id).select_for_update())
    changed = refunded_since_stated(before=start).filter(shop_id=shop_id)
    # Locked in a query of their own: PostgreSQL locks no rows of a grouped query.
    stated = list(PartPayout.objects.filter(pk__in=list(changed)).select_for_update())
    # A part never stated has no lines yet: all of it is new, without asking for them.
    lines = [(payout, figures_now(payout), False) for payout in sorted(new, key=by_pk)]
    lines += [(payout, not_yet_stated(payout), True) for payout in sorted(stated, key=by_pk)]
    if not lines and not gift_cards.has_unstated(
        shop_id=shop_id, since=local_midnight(start), until=local_midnight(end)
    ):
        return None
    totals = {name: sum((f[name] for _, f, _ in lines), ZERO) for name in SettlementLine.FIGURES}
    try:
        with transaction.atomic():
            settlement = Settlement.objects.create(
                shop_id=shop_id, period_start=start, period_end=end, **totals
            )
    except IntegrityError:  # a concurrent run made it first
        return Settlement.objects.get(shop_id=shop_id, period_start=start)
    SettlementLine.objects.bulk_create(
        SettlementLine(settlement=settlement, payout=payout, is_adjustment=adjusting, **figures)
        for payout, figures, adjusting in lines
    )
    PartPayout.objects.filter(pk__in=[payout.pk for payout in new]).update(settlement=settlement)
    return settlement


def refunded_since_stated(*, before: date):
    """Ids of parts stated before `before` and refunded since (their next statement shows it)."""
    return (
        PartPayout.objects.filter(settlement__period_start__lt=before)
        .annotate(shown_refunds=Sum("settlement_lines__refunds"))
        .exclude(refunded=F("shown_refunds"))
        .values_list("pk", flat=True)
    )


def by_pk(payout: PartPayout) -> int:
    return payout.pk


def pending_transfers_of(settlement: Settlement) -> list[int]:
    from marketplace.payments.models import Transfer, TransferStatus

    return list(
        Transfer.objects.filter(
            payout__settlement=settlement, status=TransferStatus.PENDING
        ).values_list("pk", flat=True)
    )


def settle_shops(*, today: date | None = None) -> list[Settlement]:
    """Beat: settles every shop that sold in the last complete period; idempotent."""
    start, end = last_complete_period(today or timezone.localdate())
    shop_ids = {
        *unsettled_in(start=start, end=end).values_list("shop_id", flat=True).distinct(),
        # Gift cards spent or sold at the shop's counter (marketplace.giftcards).
        *gift_cards.shops_with_unstated(since=local_midnight(start), until=local_midnight(end)),
        # Settled already: run again, it only sends what a failed call left pending.
        *Settlement.objects.filter(period_start=start).values_list("shop_id", flat=True),
        *PartPayout.objects.filter(pk__in=list(refunded_since_stated(before=start))).values_list(
            "shop_id", flat=True
        ),
    }
    settled = [settle_shop(shop_id=shop_id, start=start, end=end) for shop_id in sorted(shop_ids)]
    return [settlement for settlement in settled if settlement is not None]
