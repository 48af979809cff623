"""Reads of orders, always scoped to the asking consumer."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from oscar.core.loading import get_model

from logistics.models import OrderPart
from shops.models import OpeningHours

Order = get_model("order", "Order")


def orders_for_consumer(*, user) -> QuerySet:
    return Order.objects.filter(user=user)


def order_for_consumer(*, user, number: str):
    return get_object_or_404(
        orders_for_consumer(user=user).select_related("payment"), number=number
    )


def parts_of_order(*, order) -> QuerySet:
    return (
        OrderPart.objects.filter(order=order)
        .select_related("shop__partner", "slot", "order")
        .prefetch_related(
            Prefetch("shop__opening_hours", queryset=OpeningHours.objects.order_by("weekday")),
            "shop__opening_exceptions",
        )
    )
