"""The demo city's money after the goods left the shops, as the live flow would have left it.

Each collected or delivered part gets its payout (the figures `open_payout` gives) and its
transfer, already sent (the amount and idempotency key of `schedule_part_transfer`, but no
task queued and no gateway called); then each shop gets the real settlement of every
complete past period. Every step inserts only what is missing, so a second run adds nothing.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from itertools import groupby
from operator import attrgetter

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from logistics.models import OrderPart, PartStatus
from marketplace.commission.ledger import order_money
from marketplace.commission.models import PartCommission, PartPayout, Settlement
from marketplace.commission.part_money import PartMoney, transfer_due
from marketplace.commission.settlements import local_midnight, period_of, settle_shop
from marketplace.payments.models import Transfer, TransferStatus

from .generator import SIZES, Size
from .history import BATCH, own_timestamps
from .payment_mix import paid_payments

LEFT_THE_SHOP = [PartStatus.COLLECTED, PartStatus.DELIVERED]


def shops_to_pay(shop_ids: list[int], size: Size) -> list[int]:
    """All shops of a city up to the demo size; in a bigger one only the demo owners' shops
    (the first two, see CityLoader.load_shops), so the large seed stays quick."""
    if size.order_lines <= SIZES["demo"].order_lines:
        return shop_ids
    return shop_ids[:2]


def write_money(*, shop_ids: list[int], today: date, progress: Callable) -> None:
    with transaction.atomic():
        pay_out_parts(shop_ids, progress)
    settle_past_periods(shop_ids, today, progress)


def pay_out_parts(shop_ids: list[int], progress: Callable) -> None:
    """The rows `open_payout` and `schedule_part_transfer` make, with their maths
    (`order_money`, `transfer_due`) but in bulk: calling them part by part costs a few
    queries each, which doubled the seed's time."""
    gone = OrderPart.objects.filter(
        shop_id__in=shop_ids,
        status__in=LEFT_THE_SHOP,
        completed_at__isnull=False,
        payout__isnull=True,
    )
    wanted = set(gone.values_list("pk", flat=True))
    order_ids = gone.values("order_id")
    parts = (
        OrderPart.objects.filter(order_id__in=order_ids)
        .annotate(number=F("order__number"))
        .order_by("order_id", "pk")
    )
    snapshots = {
        snapshot.part_id: snapshot
        for snapshot in PartCommission.objects.filter(part__order_id__in=order_ids)
    }
    advance = progress("payouts", len(wanted))
    payments = paid_payments(order_ids)
    paid = []
    for order_id, group in groupby(parts, key=attrgetter("order_id")):
        group = list(group)
        money = order_money(group, [snapshots[part.pk] for part in group], payments[order_id])
        paid += [(p, m) for p, m in zip(group, money, strict=True) if p.pk in wanted]
    payouts = [payout_row(part, money) for part, money in paid]
    with own_timestamps(PartPayout, Transfer):
        PartPayout.objects.bulk_create(payouts, batch_size=BATCH)
        transfers = [
            sent_transfer(part, payout, transfer_due(money))
            for (part, money), payout in zip(paid, payouts, strict=True)
        ]
        # As schedule_part_transfer: no transfer when nothing is due.
        Transfer.objects.bulk_create([t for t in transfers if t.amount > 0], batch_size=BATCH)
    advance(len(payouts))


def payout_row(part: OrderPart, money: PartMoney) -> PartPayout:
    # When mark_completed would have stamped it: a delivery left the shop with the courier.
    left = part.handed_over_at or part.completed_at
    return PartPayout(
        part_id=part.pk,
        shop_id=part.shop_id,
        delivery_fee=money.delivery_fee,
        completed_at=left,
        created_at=left,
        **{name: getattr(money.ledger, name) for name in PartPayout.LEDGER_FIELDS},
    )


def sent_transfer(part: OrderPart, payout: PartPayout, amount: Decimal) -> Transfer:
    key = f"transfer-part-{part.pk}"
    return Transfer(
        payout=payout,
        shop_id=part.shop_id,
        amount=amount,
        transfer_group=part.number,
        idempotency_key=key,
        reference=f"offline-{key}",  # what the demo's offline gateway answers
        status=TransferStatus.SENT,
        attempts=1,
        created_at=payout.completed_at,
        sent_at=payout.completed_at,
    )


def settle_past_periods(shop_ids: list[int], today: date, progress: Callable) -> None:
    """Each shop's settlement of every period with parts before the one holding `today`
    (the city's today, so the seed does not depend on the day it runs)."""
    current, _end = period_of(today)
    moments = PartPayout.objects.filter(
        shop_id__in=shop_ids, settlement__isnull=True, completed_at__lt=local_midnight(current)
    ).values_list("shop_id", "completed_at")
    due = sorted({(shop, period_of(timezone.localdate(moment))) for shop, moment in moments})
    advance = progress("settlements", len(due))
    made = defaultdict(list)
    with transaction.atomic():  # one commit, not one per settlement
        for shop_id, (start, end) in due:
            # All its transfers are sent already, so this queues none.
            made[end].append(settle_shop(shop_id=shop_id, start=start, end=end).pk)
            advance(1)
        # Made when the period was over, as the daily beat would have.
        for end, pks in made.items():
            Settlement.objects.filter(pk__in=pks).update(created_at=local_midnight(end))
