"""What counts as a sale, in one place: the rollups and the direct aggregation both use it.

- A shop's part of an order (a OrderPart) is *sold* once the order is paid: its
  `placed_at` is set (order paid) and it was not rejected by the shop or cancelled after
  payment. Unpaid orders, and orders cancelled or expired before payment, never count.
- A sale belongs to the local (Europe/Amsterdam) day its order was paid, `placed_at`;
  everything that happens to the part later (refunds, delivery, collection) is reported
  on that day too, so a day's figures settle and a later event rewrites only its own day.
- GMV is the sum of the sold parts' order lines incl. VAT, after discounts; delivery fees
  are not goods and are not in it. `gmv_excl_vat` is the same lines excl. VAT.
- A rejected or cancelled-after-payment part is *lost*: it is counted (parts, value of its
  lines) apart, and not in GMV, orders, units or commission. Its refund (the whole part)
  is therefore not subtracted again: `refunds` are refunds of sold parts only (a partial
  refund after a return, say), and net sales = GMV − refunds.
- Commission is what the part's snapshot (commission.PartCommission, taken at payment)
  says, incl. the fixed fee per part, less what refunds reverse of it: the ledger reverses
  commission and its VAT in proportion to the share of the part's gross refunded
  (commission.refunds). Per category the commission is the lines' own snapshots
  (LineCommission), before fixed fees and reversals: "commission on goods".
- Orders: each sold part is one shop's order (`parts`). A consumer order counts once, at
  its sold part with the lowest id (`orders`); for one shop, its orders are its parts.
- A delivery is on time when it was delivered before its slot ended; the time from ready
  to collected is taken for parts collected at the shop, in whole minutes.
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from logistics.models import PartMethod, PartStatus

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass
class SalesFigures:
    """The measures a day's sales row holds (DailyShopSales), summed the same way by the
    rollup, the selectors and the direct aggregation."""

    parts: int = 0
    orders: int = 0
    lines: int = 0
    units: int = 0
    gmv: Decimal = ZERO
    gmv_excl_vat: Decimal = ZERO
    refunds: Decimal = ZERO
    commission: Decimal = ZERO
    commission_vat: Decimal = ZERO
    lost_parts: int = 0
    lost_value: Decimal = ZERO
    deliveries_done: int = 0
    deliveries_on_time: int = 0


SUMMED = tuple(measure.name for measure in fields(SalesFigures))
LOST_STATUSES = (PartStatus.REJECTED, PartStatus.CANCELLED)
# With placed_at set (paid), these are the sold parts' statuses.
SOLD_STATUSES = tuple(
    status
    for status in PartStatus.values
    if status not in LOST_STATUSES and status != PartStatus.PENDING_PAYMENT
)
METHODS = tuple(PartMethod.values)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """Aware [start, end) of the local days first..last, for index-friendly range filters."""
    zone = local_zone()
    last = last or first
    start = datetime.combine(first, time.min, tzinfo=zone)
    return start, datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)


def sale_day(placed_at: datetime) -> date:
    return placed_at.astimezone(local_zone()).date()


def is_sold(status: str, placed_at: datetime | None) -> bool:
    return placed_at is not None and status not in LOST_STATUSES


def is_lost(status: str, placed_at: datetime | None) -> bool:
    return placed_at is not None and status in LOST_STATUSES


def money(value) -> Decimal:
    """A summed amount to the cent (SQLite's SUM of decimals drifts in the last places)."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def reversed_share(amount: Decimal, *, refunded: Decimal, gross: Decimal) -> Decimal:
    """What refunds take back of `amount`: amount × refunded / gross, to the cent, half up."""
    if not refunded or not gross:
        return ZERO
    share = min(refunded, gross) / gross
    return (amount * share).quantize(CENT, rounding=ROUND_HALF_UP)


def delivered_on_time(completed_at: datetime, slot_date: date, slot_ends: time) -> bool:
    slot_end = datetime.combine(slot_date, slot_ends, tzinfo=local_zone())
    return completed_at <= slot_end


def minutes_between(earlier: datetime, later: datetime) -> int:
    return max(0, int((later - earlier).total_seconds() // 60))


def median_minutes(histogram: dict[int, int]) -> float | None:
    """The median of a {minutes: count} histogram (mean of the two middle values if even)."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for minutes, count in ordered:
        while middle and middle[0] < seen + count:
            found.append(minutes)
            middle.pop(0)
        seen += count
    return sum(found) / 2
