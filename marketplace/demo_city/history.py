"""What happened to the demo city's past orders after checkout, for reports and shop pages.

For each generated order: one part per shop (OrderPart) with its method, outcome and
timestamps, the commission snapshot the payment would have taken (default plan), a past
delivery slot for delivered parts, plus storefront searches and the shops' stock-sync
state. Outcomes come from a random stream per order number, so the order stream of the
generator is untouched and the same seed gives the same history.

The parts are built with their final status and timestamps directly, in bulk: this is seed
data (history), not steps taken now, so it does not go through the part's state machine
(logistics.part_states) and publishes no events. The only status writes outside it.

Payments and refunds are not written: rejected parts are lost sales in the reports, whose
refund never counts (marketplace/reports/definitions.py). The money of parts that left
their shop (payouts, sent transfers, weekly settlements) is added afterwards by money_history.py.
"""

import random
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count

from inventory_sync.models import (
    ConnectionStatus,
    PosConnection,
    PosKind,
    SyncKind,
    SyncLog,
    SyncOutcome,
)
from logistics.models import DeliverySlot, DeliveryZone, OrderPart, PartStatus
from marketplace.commission.fees import PlanTerms, SaleLine, part_commission
from marketplace.commission.models import CommissionPlan, LineCommission, PartCommission
from marketplace.models import SearchRecord

BATCH = 2_000
SLOT_HOURS = (10, 12, 14, 16, 18)
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
REJECTED_SHARE = 0.03
CANCELLED_SHARE = 0.01
LATE_SHARE = 0.08
# Demand the centre does not meet: searches that find nothing.
UNMET = [
    "lego technic", "playstation 5", "cadeaubon", "fietsband 28 inch", "paraplu",
    "oplader usb-c", "glutenvrij brood", "vinyl platen", "regenjas kind", "tuinslang",
    "batterijen aa", "bordspel catan", "zonnebril", "wandelschoenen maat 46",
]  # fmt: skip


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@contextmanager
def own_timestamps(*models):
    """Lets bulk_create keep the past moments given instead of auto_now_add's 'now'."""
    fields = [
        field
        for model in models
        for field in model._meta.fields
        if getattr(field, "auto_now_add", False)
    ]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


class OrderHistory:
    """Writes the history of each chunk of orders the loader inserts."""

    def __init__(self, *, seed: int, shop_of_partner: dict[int, int], today: date):
        self.seed = seed
        self.shop_of_partner = shop_of_partner
        self.today = today
        plan = CommissionPlan.objects.filter(is_default=True).first()
        self.plan_name = plan.name if plan else "default"
        self.terms = PlanTerms(percentage=plan.percentage if plan else Decimal("5.00"))
        self.slot_ids = self.past_slots()

    def past_slots(self) -> dict[tuple[date, int], int]:
        """Five two-hour slots on each of the 92 days before today (booked set at the end)."""
        area = DeliveryZone.objects.order_by("pk").first()
        slots = []
        for offset in range(1, 93):
            day = self.today - timedelta(days=offset)
            for hour in SLOT_HOURS:
                start = datetime.combine(day, time(hour), tzinfo=zone())
                slots.append(
                    DeliverySlot(
                        zone=area, date=day, starts=time(hour), ends=time(hour + 2),
                        capacity=10, cutoff=start - timedelta(hours=2),
                    )
                )  # fmt: skip
        DeliverySlot.objects.bulk_create(slots, ignore_conflicts=True)
        rows = DeliverySlot.objects.filter(zone=area, date__lt=self.today)
        return {
            (day, starts.hour): pk for pk, day, starts in rows.values_list("pk", "date", "starts")
        }

    def write(self, orders: list[tuple]) -> None:
        """`orders`: (OrderSpec, saved Order, its saved Lines) of freshly inserted orders."""
        parts, lines_of_part = [], []
        for spec, order, lines in orders:
            by_partner = defaultdict(list)
            for line in lines:
                by_partner[line.partner_id].append(line)
            rng = random.Random(f"{self.seed}-{spec.number}")
            for position, (partner_id, shop_lines) in enumerate(sorted(by_partner.items())):
                parts.append(self.part(rng, spec, order, partner_id, shop_lines, position))
                lines_of_part.append(shop_lines)
        with own_timestamps(OrderPart, PartCommission):
            OrderPart.objects.bulk_create(parts, batch_size=BATCH)
            self.snapshot(parts, lines_of_part)

    def part(self, rng, spec, order, partner_id, lines, position) -> OrderPart:
        placed = order.date_placed
        delivery = spec.delivery
        part = OrderPart(
            order_id=order.pk,
            shop_id=self.shop_of_partner[partner_id],
            method="delivery" if delivery else "collect",
            pickup_code=code(rng),
            delivery_code=code(rng) if delivery else "",
            subtotal_incl_vat=sum((line.line_price_incl_tax for line in lines), Decimal("0.00")),
            delivery_fee_incl_vat=order.shipping_incl_tax if delivery and position == 0 else 0,
            created_at=placed,
            placed_at=placed,
        )
        if delivery:
            part.slot_id = self.slot_for(rng, placed)
        self.outcome(rng, part, placed)
        return part

    def slot_for(self, rng, placed: datetime) -> int:
        local = placed.astimezone(zone())
        later = [hour for hour in SLOT_HOURS if hour >= local.hour + 2]
        if later:
            return self.slot_ids[(local.date(), rng.choice(later))]
        next_day = local.date() + timedelta(days=1)
        if next_day >= self.today:  # late on the last day: the evening slot of the same day
            return self.slot_ids[(local.date(), SLOT_HOURS[-1])]
        return self.slot_ids[(next_day, rng.choice(SLOT_HOURS))]

    def outcome(self, rng, part: OrderPart, placed: datetime) -> None:
        roll = rng.random()
        part.accepted_at = placed + timedelta(minutes=rng.randint(3, 90))
        if roll < REJECTED_SHARE:
            part.status, part.rejected_at = PartStatus.REJECTED, part.accepted_at
            part.accepted_at, part.reason = None, "Niet meer op voorraad"
            return
        if roll < REJECTED_SHARE + CANCELLED_SHARE:
            part.status, part.cancelled_at = PartStatus.CANCELLED, part.accepted_at
            part.reason = "Op verzoek van de klant"
            return
        part.ready_at = part.accepted_at + timedelta(minutes=rng.randint(10, 180))
        if part.method == "collect":
            part.status = PartStatus.COLLECTED
            part.completed_at = part.ready_at + timedelta(minutes=int(rng.expovariate(1 / 240)) + 5)
            return
        part.status = PartStatus.DELIVERED
        part.handed_over_at = part.ready_at + timedelta(minutes=rng.randint(5, 60))
        slot_end = self.slot_end(part.slot_id)
        late = rng.random() < LATE_SHARE
        minutes = rng.randint(1, 90) if late else -rng.randint(1, 110)
        part.completed_at = max(part.handed_over_at, slot_end + timedelta(minutes=minutes))

    def slot_end(self, slot_id: int) -> datetime:
        if not hasattr(self, "_slot_ends"):
            self._slot_ends = {pk: key for key, pk in self.slot_ids.items()}
        day, hour = self._slot_ends[slot_id]
        return datetime.combine(day, time(hour + 2), tzinfo=zone())

    def snapshot(self, parts: list[OrderPart], lines_of_part: list[list]) -> None:
        """The default plan's commission, as confirm_order_paid takes it at payment."""
        snapshots, per_line = [], []
        for part, lines in zip(parts, lines_of_part, strict=True):
            figures = part_commission(
                terms=self.terms,
                lines=[SaleLine(line_total_incl_vat=line.line_price_incl_tax) for line in lines],
            )
            snapshots.append(
                PartCommission(
                    part_id=part.pk, plan_name=self.plan_name,
                    percentage=self.terms.percentage, gross=figures.gross,
                    fixed_fee=figures.fixed_fee, commission=figures.commission_total,
                    vat_on_commission=figures.vat_on_commission, created_at=part.placed_at,
                )
            )  # fmt: skip
            per_line.append(zip(lines, figures.line_commissions, strict=True))
        PartCommission.objects.bulk_create(snapshots, batch_size=BATCH)
        LineCommission.objects.bulk_create(
            (
                LineCommission(
                    order_line_id=line.pk, part_id=snapshot.pk,
                    percentage=self.terms.percentage, commission=amount,
                )
                for snapshot, pairs in zip(snapshots, per_line, strict=True)
                for line, amount in pairs
            ),
            batch_size=BATCH,
        )  # fmt: skip

    def write_searches(self, orders: list[tuple]) -> None:
        """About one search per two orders, one in six of them for something nobody sells."""
        records = []
        for spec, _order, lines in orders:
            rng = random.Random(f"{self.seed}-search-{spec.number}")
            if rng.random() < 0.5:
                continue
            moment = spec_moment(spec) - timedelta(minutes=rng.randint(1, 30))
            if rng.random() < 1 / 6:
                query, found = rng.choice(UNMET), 0
            else:
                query, found = lines[0].title.split(" ")[0].lower(), rng.randint(1, 40)
            records.append(
                SearchRecord(
                    query=query, normalised_query=query, result_count=found, created_at=moment
                )
            )
        with own_timestamps(SearchRecord):
            SearchRecord.objects.bulk_create(records, batch_size=BATCH)

    def book_slots(self) -> None:
        """Booked places as the parts took them; capacity grown where history overbooked."""
        booked = OrderPart.objects.filter(slot_id__in=self.slot_ids.values())
        counts = booked.values("slot_id").annotate(n=Count("id")).values_list("slot_id", "n")
        for slot_id, taken in counts.order_by():
            DeliverySlot.objects.filter(pk=slot_id).update(booked=taken, capacity=max(10, taken))


def spec_moment(spec) -> datetime:
    return spec.placed_at.replace(tzinfo=zone())


def code(rng) -> str:
    return "".join(rng.choice(CODE_LETTERS) for _ in range(6))


def write_stock_sync(*, seed: int, shop_ids: list[int], now: datetime) -> None:
    """Two shops in three sync their stock: most recently, some stale, a few failing."""
    rng = random.Random(f"{seed}-stock-sync")
    connections, logs = [], []
    kinds = [PosKind.FILE, PosKind.PUSH, PosKind.LIGHTSPEED, PosKind.SHOPIFY, PosKind.SQUARE]
    for shop_id in shop_ids:
        if rng.random() < 1 / 3:
            continue
        roll = rng.random()
        age = (
            timedelta(hours=rng.randint(30, 200))
            if roll < 0.1
            else timedelta(minutes=rng.randint(1, 600))
        )
        failing = roll > 0.94
        last = now - age
        connections.append(
            PosConnection(
                shop_id=shop_id, kind=rng.choice(kinds), last_event_at=last,
                status=ConnectionStatus.FAILING if failing else ConnectionStatus.OK,
                last_error="401 Unauthorized: token expired" if failing else "",
                last_error_at=last if failing else None,
            )
        )  # fmt: skip
        for back in range(3):
            logs.append(
                SyncLog(
                    shop_id=shop_id, kind=SyncKind.PUSH, started_at=last - timedelta(days=back),
                    finished_at=last - timedelta(days=back), rows_total=20, rows_applied=20,
                    outcome=SyncOutcome.FAILED if failing else SyncOutcome.APPLIED,
                    message="401 Unauthorized" if failing else "",
                )
            )  # fmt: skip
    PosConnection.objects.bulk_create(connections, ignore_conflicts=True)
    if not SyncLog.objects.filter(shop_id__in=shop_ids).exists():
        SyncLog.objects.bulk_create(logs, batch_size=BATCH)
