"""The local economics figure: of what the shops sold through the marketplace, the share
they kept, overall and per payment method, beside what the same sales would have left them
on a national platform's commission. Reads the parts' ledgers (PartPayout) and their
payments; the maths is the ledger's own and `fees.part_commission`."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from marketplace.payments.fees import METHOD_LABELS
from marketplace.payments.models import Payment

from .fees import ZERO, PlanTerms, SaleLine, part_commission
from .models import PartPayout
from .settlements import local_midnight

# A national platform's commission (percent of the sale incl. VAT, payment included), with
# VAT on top as ours: the comparison the promise to shops is made against.
NATIONAL_PERCENTAGE = Decimal("15")
UNKNOWN = "unknown"


@dataclass
class Kept:
    sales: Decimal = ZERO  # what consumers paid for the goods, less refunds
    kept: Decimal = ZERO  # what reached the shops
    national_kept: Decimal = ZERO  # what the same sales would have left on 15%
    parts: int = 0

    @property
    def share(self) -> Decimal | None:
        return percent(self.kept, self.sales)

    @property
    def national_share(self) -> Decimal | None:
        return percent(self.national_kept, self.sales)

    def as_dict(self) -> dict:
        return {
            "parts": self.parts,
            "sales": str(self.sales),
            "kept": str(self.kept),
            "kept_share": none_or_str(self.share),
            "national_kept": str(self.national_kept),
            "national_kept_share": none_or_str(self.national_share),
        }


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * 100 / whole).quantize(Decimal("0.01"), ROUND_HALF_UP) if whole else None


def none_or_str(value) -> str | None:
    return None if value is None else str(value)


def national_keeps(sales: Decimal) -> Decimal:
    terms = PlanTerms(percentage=NATIONAL_PERCENTAGE)
    figures = part_commission(terms=terms, lines=[SaleLine(line_total_incl_vat=sales)])
    return sales - figures.platform_fee_total


def kept_by_method(*, since: datetime, until: datetime) -> dict[str, Kept]:
    """The parts whose goods left their shop in [since, until): "all" and one per method."""
    payouts = PartPayout.objects.filter(completed_at__gte=since, completed_at__lt=until)
    rows = payouts.values_list(
        "part__order_id", "charged", "refunded", "transferred", "transfer_reversed"
    )
    methods = dict(
        Payment.objects.filter(order_id__in=payouts.values("part__order_id")).values_list(
            "order_id", "method"
        )
    )
    totals: dict[str, Kept] = defaultdict(Kept)
    for order_id, charged, refunded, transferred, reversed_ in rows.iterator():
        sales = charged - refunded
        for key in ("all", methods.get(order_id) or UNKNOWN):
            total = totals[key]
            total.sales += sales
            total.kept += transferred - reversed_
            total.national_kept += national_keeps(sales)
            total.parts += 1
    return dict(totals)


def kept_in_days(*, start, end) -> list[tuple[str, Kept]]:
    """The figure for local days `start` to `end` (both included) as (label, figures): all
    payments first, then each method by sales; empty when nothing left a shop then."""
    totals = kept_by_method(
        since=local_midnight(start), until=local_midnight(end + timedelta(days=1))
    )
    ordered = sorted(
        ((key, kept) for key, kept in totals.items() if key != "all"),
        key=lambda item: -item[1].sales,
    )
    if "all" not in totals:
        return []
    return [(label_of(key), kept) for key, kept in [("all", totals["all"]), *ordered]]


def label_of(key: str):
    if key == "all":
        return _("All payments")
    return METHOD_LABELS.get(key) or _("Method not known")
