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
from logistics.models import DeliverySettings, OrderPart
from marketplace.gtin import gtin_key
from shops.hours import schedule_for
from shops.models import ShopStatus

StockRecord = get_model("partner", "StockRecord")


@dataclass(frozen=True)
class Offer:
    stockrecord_id: int
    shop_name: str
    price: Decimal  # for the line's quantity, VAT included
    ready_at: datetime | None

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


def same_product(line) -> Q:
    match = Q(product_id=line.product_id)
    code = gtin_key(line.upc or (line.product.upc if line.product_id else ""))
    if code:
        # EAN-8/UPC-A/EAN-13 of one product: the storefront stores them as typed.
        match |= Q(product__upc__in={code.lstrip("0"), code[1:], code})
    return match


def offers_for(line, *, now: datetime | None = None) -> list[Offer]:
    """Cheapest first, then earliest; shops that already have a part in the order are left
    out (one part per shop and order)."""
    now = now or timezone.now()
    taken = OrderPart.objects.filter(order_id=line.order_id).values("shop__partner_id")
    records = (
        StockRecord.objects.filter(same_product(line), partner__shop__status=ShopStatus.ACTIVE)
        .exclude(partner_id__in=taken)
        .exclude(price__isnull=True)
        .select_related("partner__shop")
        .prefetch_related("partner__shop__opening_hours", "partner__shop__opening_exceptions")
    )
    preparation = timedelta(minutes=DeliverySettings.current().preparation_minutes)
    offers = [
        Offer(
            stockrecord_id=record.pk,
            shop_name=record.partner.name,
            price=record.price * line.quantity,
            ready_at=ready_at(record.partner.shop, now, preparation),
        )
        for record in records
        if available_online(record, safety_buffer=record.partner.shop.safety_buffer)
        >= line.quantity
    ]
    far = now + timedelta(days=366)
    return sorted(offers, key=lambda o: (o.price, o.ready_at or far, o.stockrecord_id))


def ready_at(shop, now: datetime, preparation: timedelta) -> datetime | None:
    """Today's first pickup time, else when the shop next opens."""
    local = timezone.localtime(now)
    schedule = schedule_for(shop)
    today = schedule.earliest_pickup_today(local, preparation)
    if today is not None:
        return local.replace(hour=today.hour, minute=today.minute, second=0, microsecond=0)
    return schedule.next_opening(local)
