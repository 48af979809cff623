"""Each shop's gift card money on its weekly settlement (called by
marketplace.commission.settlements, which sits above this package).

The cards spent at a shop's counter or online at it in the period, less the cards it sold
there for cash, less online card shares refunded onto cards and set off against transfers,
are stated once (a ShopStatement per settlement; every entry is stated on one statement
only) and what is owed to the shop is sent to its payout account with a key derived from
the statement, so a retry never pays twice. A paid transfer is posted to the ledger."""

import logging
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from marketplace.db import in_transaction
from marketplace.outbox import enqueue

from . import ledger
from .models import Entry, EntryKind, ShopStatement

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")
STATED = (
    EntryKind.REDEMPTION,
    EntryKind.ONLINE_SPEND,
    EntryKind.COUNTER_SALE,
    EntryKind.CARD_RETURN,
    EntryKind.SHOP_OWES,
    EntryKind.CENTRE_OWES,
)


def unstated(*, since: datetime, until: datetime):
    return Entry.objects.filter(
        kind__in=STATED, statement__isnull=True, created_at__gte=since, created_at__lt=until
    )


def shops_with_unstated(*, since: datetime, until: datetime) -> set[int]:
    return set(unstated(since=since, until=until).values_list("shop_id", flat=True).distinct())


def has_unstated(*, shop_id: int, since: datetime, until: datetime) -> bool:
    return unstated(since=since, until=until).filter(shop_id=shop_id).exists()


def state_on_settlement(
    *, settlement_id: int, shop_id: int, since: datetime, until: datetime
) -> ShopStatement | None:
    """The shop's gift card line on the settlement, made once; None when nothing happened.
    Call inside the settlement's transaction."""
    if found := ShopStatement.objects.filter(settlement_id=settlement_id).first():
        return found
    entries = list(
        unstated(since=since, until=until)
        .filter(shop_id=shop_id)
        .order_by("pk")
        .select_for_update()
    )
    if not entries:
        return None
    redeemed = total_of(entries, EntryKind.REDEMPTION, EntryKind.ONLINE_SPEND)
    sold = total_of(entries, EntryKind.COUNTER_SALE)
    returned = total_of(entries, EntryKind.CARD_RETURN)
    set_off = total_of(entries, EntryKind.SHOP_OWES) - total_of(entries, EntryKind.CENTRE_OWES)
    try:
        with transaction.atomic():
            statement = ShopStatement.objects.create(
                settlement_id=settlement_id,
                shop_id=shop_id,
                redeemed=redeemed,
                sold=sold,
                returned=returned,
                set_off=set_off,
                created_at=timezone.now(),
            )
    except IntegrityError:  # a concurrent run stated it first
        return ShopStatement.objects.get(settlement_id=settlement_id)
    Entry.objects.filter(pk__in=[e.pk for e in entries]).update(statement=statement)
    if statement.net > 0:
        from .tasks import send_shop_payout

        enqueue(send_shop_payout, statement.pk)
    return statement


def total_of(entries, *kinds: str) -> Decimal:
    return sum((entry.amount for entry in entries if entry.kind in kinds), ZERO)


def statement_of(settlement) -> ShopStatement | None:
    return ShopStatement.objects.filter(settlement=settlement).first()


def send_payout(*, statement_id: int) -> bool:
    """Sends what the statement owes the shop; True once paid (now or before)."""
    from marketplace.payments.gateway import GatewayUnavailable, get_gateway
    from marketplace.payments.transfers import payout_ready

    if in_transaction():
        raise RuntimeError("payouts call the gateway: send them after the transaction commits")
    statement = ShopStatement.objects.select_related("shop").get(pk=statement_id)
    if statement.transfer_reference:
        return True
    if statement.net <= 0:
        return False
    shop = statement.shop
    if not payout_ready(shop):
        ShopStatement.objects.filter(pk=statement_id).update(
            transfer_error="waiting for the shop's payout account"
        )
        return False
    key = f"giftcards-statement-{statement.pk}"
    try:
        reference = get_gateway().transfer(
            amount=statement.net,
            destination=shop.stripe_account_id,
            transfer_group=key,
            source_transaction="",
            idempotency_key=key,
        )
    except GatewayUnavailable as error:
        ShopStatement.objects.filter(pk=statement_id).update(transfer_error=str(error)[:300])
        raise
    with transaction.atomic():
        if ShopStatement.objects.filter(pk=statement_id, transfer_reference="").update(
            transfer_reference=reference[:100], transfer_error=""
        ):
            ledger.post(
                kind=EntryKind.PAYOUT,
                amount=statement.net,
                key=f"payout-{key}",
                shop_id=shop.pk,
            )
    return True


def statement_totals(settlement_ids) -> dict[int, Decimal]:
    rows = (
        ShopStatement.objects.filter(settlement_id__in=list(settlement_ids))
        .values("settlement_id")
        .annotate(
            redeemed=Sum("redeemed"), sold=Sum("sold"), returned=Sum("returned"), off=Sum("set_off")
        )
    )
    return {
        row["settlement_id"]: row["redeemed"] - row["sold"] - row["returned"] - row["off"]
        for row in rows
    }
