"""VAT receipts of shop parts: what one says, and issuing it with the shop's next number.

Money terms (as in marketplace/commission/fees.py): a line's `total` is what the consumer
paid for it, VAT included. Per VAT rate the receipt shows `gross` (the sum of the totals at
that rate, the delivery fee included at its rate), `vat` = gross − gross × 100 / (100 + rate)
rounded half up to the cent once per rate, and `net` = gross − vat; so the rates' gross add
up exactly to the receipt's total, and net + vat to gross, to the cent.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from logistics.models import DeliverySettings, OrderPart, PartStatus
from logistics.part_states import LINE_REFUSED

from .models import Receipt, ReceiptCounter

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
Line = get_model("order", "Line")

# A receipt exists once the shop has the goods ready for the consumer, or later.
RECEIPT_STATUSES = frozenset(
    {
        PartStatus.READY,
        PartStatus.HANDED_OVER,
        PartStatus.AT_HUB,
        PartStatus.COLLECTED,
        PartStatus.DELIVERED,
    }
)


class ReceiptNotAvailable(Exception):
    """The part is not (yet) sold: it waits for payment or the shop, or was cancelled."""


@dataclass(frozen=True)
class VatGroup:
    rate: Decimal
    gross: Decimal

    @property
    def vat(self) -> Decimal:
        net = (self.gross * 100 / (100 + self.rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        return self.gross - net

    @property
    def net(self) -> Decimal:
        return self.gross - self.vat


def vat_groups(amounts: list[tuple[Decimal, Decimal]]) -> list[VatGroup]:
    """(rate, total incl. VAT) pairs summed per rate, highest rate first."""
    per_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for rate, total in amounts:
        per_rate[rate] += total
    return [VatGroup(rate=rate, gross=gross) for rate, gross in sorted(per_rate.items())[::-1]]


def rate_of(line) -> Decimal:
    """The line's VAT rate in percent: from its tax code ("NL-21", written by the pricing
    strategy when the order was placed), else its offer's current rate."""
    code = (line.tax_code or "").removeprefix("NL-")
    try:
        return Decimal(code).quantize(CENT)
    except InvalidOperation:
        record = line.stockrecord
        return (record.vat_rate if record else Decimal("21")).quantize(CENT)


def seller_of(shop) -> dict:
    return {
        "name": shop.partner.name,
        "legal_name": shop.legal_name,
        "street": shop.street,
        "postcode": shop.postcode,
        "city": shop.city,
        "chamber_of_commerce_number": shop.chamber_of_commerce_number,
        "vat_number": shop.vat_number,
    }


def receipt_content(part: OrderPart) -> dict:
    """Everything the receipt says, as JSON-ready values (amounts as "12.34")."""
    lines = list(
        Line.objects.filter(order_id=part.order_id, partner_id=part.shop.partner_id)
        .exclude(status=LINE_REFUSED)  # not on the shelf: refunded or sold by another shop
        .select_related("stockrecord")
        .order_by("pk")
    )
    rows = [
        {
            "title": line.title,
            "ean": line.upc or "",
            "quantity": line.quantity,
            "unit_price": str(line.unit_price_incl_tax.quantize(CENT)),
            "total": str(line.line_price_incl_tax.quantize(CENT)),
            "vat_rate": str(rate_of(line)),
        }
        for line in lines
    ]
    amounts = [(Decimal(row["vat_rate"]), Decimal(row["total"])) for row in rows]
    fee = part.delivery_fee_incl_vat.quantize(CENT)
    fee_rate = DeliverySettings.current().vat_rate.quantize(CENT)
    if fee:
        amounts.append((fee_rate, fee))
    groups = vat_groups(amounts)
    return {
        "seller": seller_of(part.shop),
        "order_number": part.order.number,
        "order_date": timezone.localtime(part.order.date_placed).date().isoformat(),
        "lines": rows,
        "delivery_fee": str(fee),
        "delivery_vat_rate": str(fee_rate),
        "vat": [
            {"rate": str(g.rate), "gross": str(g.gross), "net": str(g.net), "vat": str(g.vat)}
            for g in groups
        ],
        "total": str(sum((g.gross for g in groups), ZERO)),
        "total_vat": str(sum((g.vat for g in groups), ZERO)),
    }


def issue_receipt(*, part_id: int) -> Receipt:
    """The part's receipt, issued now with the shop's next number if it has none yet.

    Safe to call again and from several requests at once: the shop's counter row is locked
    (SELECT ... FOR UPDATE) in the transaction that writes the receipt, and the part's
    receipt is looked for again under that lock; a rolled-back transaction takes its number
    back with it, so the shop's numbers have no gaps. Holds the counter lock until the
    caller's transaction ends. Raises ReceiptNotAvailable for a part not sold (yet)."""
    existing = Receipt.objects.filter(part_id=part_id).first()
    if existing is not None:
        return existing
    part = OrderPart.objects.select_related("shop__partner", "order").get(pk=part_id)
    if part.status not in RECEIPT_STATUSES:
        raise ReceiptNotAvailable(part.status)
    content = receipt_content(part)
    with transaction.atomic():
        ReceiptCounter.objects.bulk_create(
            [ReceiptCounter(shop_id=part.shop_id)], ignore_conflicts=True
        )
        counter = ReceiptCounter.objects.select_for_update().get(shop_id=part.shop_id)
        existing = Receipt.objects.filter(part_id=part_id).first()
        if existing is not None:
            return existing
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        return Receipt.objects.create(
            part=part,
            shop_id=part.shop_id,
            number=counter.last_number,
            issued_at=timezone.now(),
            content=content,
        )
