"""Returning goods: the consumer's request, the shop's receipt with its refund, a cancel.

Each runs in one transaction under the part's row lock, so two requests (or two
confirmations) of the same part cannot both count the same units. The refund goes through
the part's ledger (`commission.part_transfers.refund_part_payment`, key `return-<id>`),
which reverses the shop's transfer, the commission and the card fee in proportion.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from inventory_sync.services import put_back
from logistics import return_pickups
from logistics.models import OrderPart, PartStatus
from logistics.part_states import LINE_REFUSED
from logistics.slots import DeliveryRefused, book_slot, release_slot
from marketplace import events
from marketplace.commission.part_transfers import (
    RefundRefused,
    refund_part_payment,
    refundable_of,
)
from marketplace.ordering.delivery import locate_in_zone

from . import rules
from .models import (
    ReturnLine,
    ReturnMethod,
    ReturnRequest,
    ReturnStatus,
    WithdrawalExclusion,
)
from .pickup_place import Pickup, PickupRefused, place_pickup

Line = get_model("order", "Line")
RECEIVED = {PartStatus.COLLECTED, PartStatus.DELIVERED}
ReturnRequestMissing = ReturnRequest.DoesNotExist


class ReturnRefused(Exception):
    """A return that cannot be made; the message is for people. `field` names the input."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


def deadline_of(part: OrderPart) -> datetime | None:
    """When the part's return period ends; None while it has not been received."""
    if part.status not in RECEIVED or part.completed_at is None:
        return None
    return rules.deadline(received_at=part.completed_at, shop_days=part.shop.return_days)


def exclusion_of(product) -> str:
    """Why the law excludes this product from returns ("" when it may be returned)."""
    product = product.parent if product.is_child else product
    ids: set[int] = set()
    for category in product.categories.all():
        ids.update(node.pk for node in category.get_ancestors_and_self())
    rule = WithdrawalExclusion.objects.filter(category_id__in=ids).order_by("pk").first()
    return rule.get_reason_display() if rule else ""


def units_taken(part: OrderPart, *, statuses: set[str]) -> dict[int, int]:
    """Units per order line in the part's returns of these statuses."""
    rows = (
        ReturnLine.objects.filter(request__part=part, request__status__in=statuses)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
    )
    return {row["order_line_id"]: row["units"] for row in rows}


OPEN: set[str] = {ReturnStatus.REQUESTED, ReturnStatus.REFUNDED}


@dataclass
class ReturnableLine:
    line: Any  # an Oscar order line
    left: int
    excluded: str


def returnable_lines(part: OrderPart) -> list[ReturnableLine]:
    taken = units_taken(part, statuses=OPEN)
    return [
        ReturnableLine(
            line=line,
            left=line.quantity - taken.get(line.pk, 0),
            excluded=exclusion_of(line.product) if line.product_id else "",
        )
        for line in part.lines()
        .exclude(status=LINE_REFUSED)  # never handed over: refunded or sold by another shop
        .select_related("product__parent")
        .order_by("pk")
    ]


def check_window(part: OrderPart, now: datetime) -> None:
    ends = deadline_of(part)
    if ends is None:
        raise ReturnRefused(_("You can return goods once you have received them."))
    if now > ends:
        raise ReturnRefused(
            _("The return period of this part ended on %(date)s.")
            % {"date": timezone.localtime(ends).strftime("%d-%m-%Y")}
        )


def request_return(
    *,
    part_id: int,
    consumer,
    chosen: dict[int, int],
    method: str,
    pickup: Pickup | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> ReturnRequest:
    """The consumer returns `chosen` (order line id -> units) of their own received part
    (`consumer` None: a guest's order, whose part the caller checked). Raises
    OrderPart.DoesNotExist for a part that is not theirs, ReturnRefused otherwise."""
    now = now or timezone.now()
    chosen = {line_id: units for line_id, units in chosen.items() if units}
    if method == ReturnMethod.PICKUP and pickup is not None:
        pickup = placed(part_id=part_id, consumer=consumer, pickup=pickup)
    with transaction.atomic():
        part = (
            OrderPart.objects.select_for_update(of=("self",))
            .select_related("shop__partner", "order")
            .get(pk=part_id, order__user=consumer)
        )
        check_window(part, now)
        check_lines(part, chosen)
        if method not in ReturnMethod.values:
            raise ReturnRefused(_("Choose how the goods come back."), field="method")
        request = ReturnRequest(part=part, consumer=consumer, method=method, reason=reason[:1000])
        located = book_pickup(request, pickup, now) if method == ReturnMethod.PICKUP else None
        request.save()
        if located is not None:
            add_to_routes(request, part, located)
        ReturnLine.objects.bulk_create(
            ReturnLine(request=request, order_line_id=line_id, quantity=units)
            for line_id, units in sorted(chosen.items())
        )
        events.publish(events.ReturnRequested(return_id=request.pk))
    return request


def placed(*, part_id: int, consumer, pickup: Pickup) -> Pickup:
    """The pickup located before the transaction (the address register is a network call)."""
    part = OrderPart.objects.get(pk=part_id, order__user=consumer)
    try:
        return place_pickup(part=part, pickup=pickup)
    except PickupRefused as refused:
        raise ReturnRefused(str(refused), field=refused.field) from refused


def check_lines(part: OrderPart, chosen: dict[int, int]) -> None:
    if not chosen:
        raise ReturnRefused(_("Choose at least one item to return."), field="lines")
    lines = {item.line.pk: item for item in returnable_lines(part)}
    for line_id, units in chosen.items():
        item = lines.get(line_id)
        if item is None:
            raise ReturnRefused(_("That item is not in this part of your order."), field="lines")
        if item.excluded:
            raise ReturnRefused(
                _("%(title)s cannot be returned: %(reason)s.")
                % {"title": item.line.title, "reason": item.excluded},
                field="lines",
            )
        if units < 0 or units > item.left:
            raise ReturnRefused(
                _("You can return at most %(left)s of %(title)s.")
                % {"left": item.left, "title": item.line.title},
                field="lines",
            )


def book_pickup(request: ReturnRequest, pickup: Pickup | None, now: datetime) -> Pickup:
    if pickup is None:
        raise ReturnRefused(_("Choose a pickup time."), field="slot")
    try:
        area = locate_in_zone(pickup.postcode)
        slot = book_slot(slot_id=pickup.slot_id, now=now)
    except DeliveryRefused as refused:
        raise ReturnRefused(str(refused), field=refused.field) from refused
    if slot.zone_id != area.zone_id:
        raise ReturnRefused(_("That pickup time is not for your postcode."), field="slot")
    request.slot = slot
    request.address_line = pickup.address_line[:200]
    request.postcode = pickup.postcode[:10]
    request.city = pickup.city[:100]
    request.phone = pickup.phone[:30]
    if pickup.latitude is None:  # the register could not say: the postcode area's centre
        pickup = replace(pickup, latitude=area.latitude, longitude=area.longitude)
    return pickup


def add_to_routes(request: ReturnRequest, part: OrderPart, pickup: Pickup) -> None:
    """The courier job the dispatcher plans: from the consumer's door to the shop."""
    assert request.slot is not None
    return_pickups.create(
        return_id=request.pk,
        shop_id=part.shop_id,
        slot=request.slot,
        address_line=request.address_line,
        postcode=request.postcode,
        city=request.city,
        phone=request.phone,
        latitude=pickup.latitude,
        longitude=pickup.longitude,
        location_approximate=pickup.location_approximate,
    )


def cancel_return(*, return_id: int, consumer, part_id: int | None = None) -> ReturnRequest:
    """The consumer changed their mind before the shop got the goods; the slot is freed.
    `consumer` None: a guest's order, whose part the caller checked (`part_id`)."""
    requests = ReturnRequest.objects.filter(pk=return_id, part__order__user=consumer)
    if part_id is not None:
        requests = requests.filter(part_id=part_id)
    elif consumer is None:
        raise ReturnRequestMissing
    with transaction.atomic():
        request = requests.select_for_update().get()
        if request.status != ReturnStatus.REQUESTED:
            raise ReturnRefused(_("This return can no longer be cancelled."))
        if request.slot_id:
            if not return_pickups.cancel(return_id=request.pk):
                raise ReturnRefused(_("The courier has picked it up already; it goes to the shop."))
            release_slot(slot_id=request.slot_id)
        request.status = ReturnStatus.CANCELLED
        request.cancelled_at = timezone.now()
        request.save(update_fields=["status", "cancelled_at"])
    return request


def refund_due(request: ReturnRequest, part: OrderPart) -> tuple[Decimal, bool]:
    """The refund of a request against what earlier refunded returns of the part took."""
    done = units_taken(part, statuses={ReturnStatus.REFUNDED})
    lines = {
        line.pk: rules.LineState(
            price=line.line_price_incl_tax, quantity=line.quantity, returned=done.get(line.pk, 0)
        )
        for line in part.lines().exclude(status=LINE_REFUSED)
    }
    chosen = {row.order_line_id: row.quantity for row in request.lines.all()}
    amount, whole = rules.return_amount(lines, chosen, part.delivery_fee_incl_vat)
    # The part's ledger knows what is left to refund (it refuses more): no second count here.
    return max(rules.ZERO, min(amount, refundable_of(part))), whole


def confirm_receipt(*, return_id: int, shop_id: int, put_back_goods: bool) -> ReturnRequest:
    """The shop got the goods back: the consumer is refunded once. Confirming again changes
    nothing. Raises ReturnRequest.DoesNotExist for another shop's return."""
    with transaction.atomic():
        request = ReturnRequest.objects.select_for_update().get(pk=return_id, part__shop_id=shop_id)
        if request.status == ReturnStatus.REFUNDED:
            return request
        if request.status != ReturnStatus.REQUESTED:
            raise ReturnRefused(_("The consumer cancelled this return."))
        part = (
            OrderPart.objects.select_for_update(of=("self",))
            .select_related("order__payment", "shop__partner")
            .get(pk=request.part_id)
        )
        amount, whole = refund_due(request, part)
        if amount > 0:
            try:
                request.refund = refund_part_payment(
                    part=part,
                    amount=amount,
                    key=f"return-{request.pk}",
                    reason=_("Returned goods"),
                )
            except RefundRefused as refused:
                raise ReturnRefused(str(refused)) from refused
        if put_back_goods:
            for row in request.lines.select_related("order_line"):
                if row.order_line.stockrecord_id:
                    put_back(stockrecord_id=row.order_line.stockrecord_id, quantity=row.quantity)
        request.status = ReturnStatus.REFUNDED
        request.received_at = timezone.now()
        request.amount = amount
        request.delivery_fee_refunded = whole and part.delivery_fee_incl_vat > 0
        request.put_back = put_back_goods
        request.save()
        events.publish(events.ReturnRefunded(return_id=request.pk))
    return request
