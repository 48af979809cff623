"""Where else a refused line can be had now: the same product (same EAN) at another active
shop with the units on the shelf, with its price and when it can be picked up."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from inventory_sync.availability import available_online
from logistics.models import DeliverySettings, OrderPart, PartStatus
from marketplace.commission.models import PartPayout
from marketplace.gtin import gtin_key
from shops.hours import schedule_for
from shops.models import ShopStatus

StockRecord = get_model("partner", "StockRecord")


# A line joins the shop's part only before its goods are packed (join_part.py): placed or
# accepted. From ready on the parcel is packed (and may be on a courier's route), and once
# handed over the shop's transfer is fixed.
JOINABLE = {PartStatus.PLACED, PartStatus.ACCEPTED}


@dataclass(frozen=True)
class Offer:
    stockrecord_id: int
    shop_name: str
    price: Decimal  # for the line's quantity, VAT included
    ready_at: datetime | None
    joins_part: bool = False  # the shop already has a part in this order: added to it

    @property
    def pickup_label(self) -> str:
        if self.ready_at is None:
            return _("pickup time not known yet")
        local = timezone.localtime(self.ready_at)
        if local.date() == timezone.localdate():
            return _("pick up today from %(time)s") % {"time": f"{local:%H:%M}"}
        return _("pick up %(day)s from %(time)s") % {
            "day": date_format(local.date(), "l j F"),
            "time": f"{local:%H:%M}",
        }


@dataclass(frozen=True)
class NotOffered:
    """A shop that has it but already has a part of this order that cannot take it."""

    shop_name: str
    reason: str


def same_product(line) -> Q:
    match = Q(product_id=line.product_id)
    code = gtin_key(line.upc or (line.product.upc if line.product_id else ""))
    if code:
        # EAN-8/UPC-A/EAN-13 of one product: the storefront stores them as typed.
        match |= Q(product__upc__in={code.lstrip("0"), code[1:], code})
    return match


def join_refusal(part: OrderPart) -> str | None:
    """Why the line cannot be added to this existing part (one part per shop and order, so
    then it is not offered at all), or None when it can. Read again under the part's lock
    when the line moves."""
    if part.status not in JOINABLE:
        return _("your part there is already %(status)s, so nothing can be added to it") % {
            "status": PartStatus(part.status).label.lower()
        }
    # A refund already booked on the part's ledger: its reversals follow the charge it was
    # booked against (commission.refunds), so the charge cannot grow under it.
    if PartPayout.objects.filter(part=part, refunded__gt=0).exists():
        return _("your part there was already partly refunded, so nothing can be added to it")
    return None


def stocked_records(line):
    return (
        StockRecord.objects.filter(same_product(line), partner__shop__status=ShopStatus.ACTIVE)
        .exclude(partner_id=line.partner_id)  # the shop that refused it
        .exclude(price__isnull=True)
        .select_related("partner__shop")
        .prefetch_related("partner__shop__opening_hours", "partner__shop__opening_exceptions")
    )


def parts_by_partner(line) -> dict[int, OrderPart]:
    parts = OrderPart.objects.filter(order_id=line.order_id).select_related("shop")
    return {part.shop.partner_id: part for part in parts}


def has_enough(record, line) -> bool:
    available = available_online(record, safety_buffer=record.partner.shop.safety_buffer)
    return available >= line.quantity


def offers_for(line, *, now: datetime | None = None) -> list[Offer]:
    """Cheapest first, then earliest. A shop that already has a part in the order is offered
    when the line can join that part (join_refusal), else left out (not_offered)."""
    now = now or timezone.now()
    taken = parts_by_partner(line)
    preparation = timedelta(minutes=DeliverySettings.current().preparation_minutes)
    offers = [
        Offer(
            stockrecord_id=record.pk,
            shop_name=record.partner.name,
            price=record.price * line.quantity,
            ready_at=ready_at(record.partner.shop, now, preparation),
            joins_part=record.partner_id in taken,
        )
        for record in stocked_records(line)
        if (record.partner_id not in taken or join_refusal(taken[record.partner_id]) is None)
        and has_enough(record, line)
    ]
    far = now + timedelta(days=366)
    return sorted(offers, key=lambda o: (o.price, o.ready_at or far, o.stockrecord_id))


def not_offered(line) -> list[NotOffered]:
    """Shops that have it on the shelf but whose part of this order cannot take it: shown
    with the reason, so the consumer knows why their shop is missing from the offers."""
    taken = parts_by_partner(line)
    left_out = []
    for record in stocked_records(line).filter(partner_id__in=list(taken)):
        reason = join_refusal(taken[record.partner_id])
        if reason is not None and has_enough(record, line):
            left_out.append(NotOffered(shop_name=record.partner.name, reason=reason))
    return left_out


def ready_at(shop, now: datetime, preparation: timedelta) -> datetime | None:
    """Today's first pickup time, else when the shop next opens."""
    local = timezone.localtime(now)
    schedule = schedule_for(shop)
    today = schedule.earliest_pickup_today(local, preparation)
    if today is not None:
        return local.replace(hour=today.hour, minute=today.minute, second=0, microsecond=0)
    return schedule.next_opening(local)
