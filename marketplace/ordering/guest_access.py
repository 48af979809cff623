"""Who may open an order: its owner signed in, or a guest holding its signed link.

A valid link (`?t=`, marketplace/order_links.py) is remembered in the session and the
address redirected without it, so the token stays out of the history and of referrers.
Checkout remembers the order it placed for a guest the same way. A wrong or altered token
is a 404, whether or not the order exists.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from oscar.core.loading import get_model

from marketplace.customer.views import posted_email
from marketplace.order_links import (
    MAIL,
    SESSION_KEY,
    VIEW,
    granted_kind,
    guest_token,
    order_path,
    token_kind,
)
from marketplace.throttling import client_ip, over_rate

from .guest_forms import GuestAccountForm

Order = get_model("order", "Order")
User = get_user_model()


def grant(session, number: str, kind: str) -> None:
    """Remembers access to a guest order; a mail grant (the mailbox proved) is never
    lowered to a view grant."""
    granted = dict(session.get(SESSION_KEY, {}))
    if granted.get(number) != MAIL:
        granted[number] = kind
    session[SESSION_KEY] = granted


def checkout_wait(request) -> int | None:
    """A guest's checkout, counted per address and per e-mail like a registration: each
    try holds stock and slots until it is paid or expires."""
    return over_rate(
        [
            ("guest_checkout_address", client_ip(request) or "unknown"),
            ("guest_checkout_email", posted_email(request, "email")),
        ]
    )


def guest_orders():
    return Order.objects.filter(user__isnull=True).exclude(guest_email="")


def redeem_link(request, number: str):
    """The response for an address carrying `?t=`: the same address without it once the
    token is this order's (404 otherwise); None when there is no token."""
    token = request.GET.get("t")
    if token is None:
        return None
    order = Order.objects.filter(number=number).first()
    kind = token_kind(order, token) if order is not None else None
    if kind is None:
        raise Http404
    if order.user_id and order.user_id != request.user.pk:
        # Since made part of an account: its owner signs in.
        return redirect_to_login(request.path)
    if not order.user_id:
        grant(request.session, number, kind)
    return redirect(request.path)


def order_for_visitor(request, number: str):
    """The signed-in owner's order, or a guest order this session was given; a signed-out
    visitor without it is asked to sign in, anyone else gets a 404."""
    orders = Order.objects.select_related("payment")
    user = request.user
    if user.is_authenticated and (order := orders.filter(number=number, user=user).first()):
        return order
    if granted_kind(request.session, number):
        order = guest_orders().select_related("payment").filter(number=number).first()
        if order is not None:
            return order
    if not user.is_authenticated:
        raise SignInNeeded
    raise Http404


class SignInNeeded(Exception):
    """A signed-out visitor asked for an order: they sign in (as before guest orders)."""


class GuestAccessMixin:
    """For views of one order (`number` in the URL): takes a signed link, and sends a
    signed-out visitor without access to the sign-in page."""

    def dispatch(self, request, *args, **kwargs):
        response = redeem_link(request, kwargs["number"])
        if response is not None:
            return response
        try:
            return super().dispatch(request, *args, **kwargs)
        except SignInNeeded:
            return redirect_to_login(request.get_full_path())


def guest_context(request, order, account_form=None) -> dict:
    """What the order page shows a guest: the link to keep, and "make an account" once
    the guest opened the link in our e-mail (so the e-mail is theirs). Whether the e-mail
    already has an account is only told then too."""
    if order.user_id:
        return {"guest_order": False}
    path = f"{order_path(order.number)}?t={guest_token(order, VIEW)}"
    context = {"guest_order": True, "guest_link": request.build_absolute_uri(path)}
    if granted_kind(request.session, order.number) != MAIL:
        return context
    user = request.user
    if user.is_authenticated:
        context["can_attach"] = same_email(user.email, order.guest_email)
    elif account_of(order.guest_email) is not None:
        context["account_exists"] = True
    else:
        context["account_form"] = account_form or GuestAccountForm(email=order.guest_email)
    return context


def same_email(one: str, other: str) -> bool:
    return bool(one) and one.strip().lower() == other.strip().lower()


def account_of(email: str):
    return User._default_manager.filter(email__iexact=email.strip()).first()


def attach_to_account(*, order, user) -> bool:
    """Makes the guest order `user`'s, only when the account has the order's e-mail.
    True when this call attached it (a second submit changes nothing)."""
    if not same_email(user.email, order.guest_email):
        return False
    mine = Order.objects.filter(pk=order.pk, user__isnull=True, guest_email=order.guest_email)
    return bool(mine.update(user=user))
