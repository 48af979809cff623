"""A consumer deletes their own account: the login goes, their orders stay anonymised."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from logistics.models import Courier, OrderPart, PartStatus
from shops.selectors import shop_of_user

from .anonymise import anonymise_orders
from .personal_data import section_modules

Order = get_model("order", "Order")

# Parts still on their way: the shop or the courier still needs the consumer's address.
OPEN_STATUSES = [
    PartStatus.PENDING_PAYMENT,
    PartStatus.PLACED,
    PartStatus.ACCEPTED,
    PartStatus.READY,
    PartStatus.HANDED_OVER,
    PartStatus.AT_HUB,
]


class DeletionRefused(Exception):
    """Why the account cannot be deleted now; the message is for the consumer."""


def reason_not_to_delete(*, user) -> str | None:
    if user.is_staff or user.is_superuser:
        return _("Centre management accounts are removed by another administrator.")
    if shop_of_user(user=user) is not None:
        return _("This account works for a shop; ask centre management to remove it.")
    if Courier.objects.filter(user=user).exists():
        return _("This account is a courier's; ask centre management to remove it.")
    if OrderPart.objects.filter(order__user=user, status__in=OPEN_STATUSES).exists():
        return _(
            "You have orders that are not finished yet. You can delete your account once "
            "they are collected or delivered."
        )
    return None


def delete_account(*, user) -> int:
    """Deletes the consumer's login, addresses, baskets, searches and alerts, and removes
    them from their orders, which stay for the tax retention period. Returns how many
    orders were anonymised. Raises DeletionRefused (nothing changed) for staff, shop and
    courier accounts and while an order is still on its way."""
    reason = reason_not_to_delete(user=user)
    if reason:
        raise DeletionRefused(reason)
    username = user.get_username()
    with transaction.atomic():
        order_ids = list(Order.objects.filter(user=user).values_list("pk", flat=True))
        anonymised = anonymise_orders(order_ids=order_ids)
        # The sign-in guard's records name the account; they go with it.
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username=username).delete()
        for module in section_modules():  # gift cards, reviews, favourites: see personal_data
            if hasattr(module, "forget"):
                module.forget(user=user)
        user.delete()
    return anonymised
