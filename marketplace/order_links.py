"""Signed links to a guest's order (an order placed without an account).

A token is an HMAC of the order number and the guest's e-mail, so it stops working once the
order is anonymised (its e-mail removed) and cannot be moved to another order. Two kinds:
the link in our e-mails ("mail") also proves the guest reads that mailbox, which making an
account from the order needs; the link shown on the order page ("view") only opens it.
Imports no domain package: e-mails of every layer build their links here.
"""

from django.conf import settings
from django.core.signing import Signer
from django.utils.crypto import constant_time_compare

MAIL, VIEW = "m", "v"
KINDS = (MAIL, VIEW)
# The guest orders a session was given ({number: kind}), by checkout or by a link.
SESSION_KEY = "guest_orders"


def _signature(kind: str, number: str, email: str) -> str:
    signer = Signer(salt=f"stadsmarkt.guest-order.{kind}")
    return signer.signature(f"{number}\n{email.strip().lower()}")


def guest_token(order, kind: str = MAIL) -> str:
    return f"{kind}.{_signature(kind, order.number, order.guest_email)}"


def token_kind(order, token: str) -> str | None:
    """MAIL or VIEW when `token` is this order's, else None (also for an order with no
    guest e-mail: an account's order, or one anonymised)."""
    kind, _dot, signature = (token or "").partition(".")
    if kind not in KINDS or not signature or not order.guest_email:
        return None
    expected = _signature(kind, order.number, order.guest_email)
    return kind if constant_time_compare(signature, expected) else None


def order_path(number: str) -> str:
    return f"/orders/{number}/"


def order_url(order, *, to: str = "", kind: str = MAIL) -> str:
    """The order page's address for an e-mail to `to`: signed when it goes to the guest
    who placed it, plain for anyone else (a shop never gets a guest's token)."""
    url = f"{settings.SITE_URL}{order_path(order.number)}"
    if is_guest_recipient(order, to):
        url += f"?t={guest_token(order, kind)}"
    return url


def is_guest_recipient(order, to: str) -> bool:
    email = getattr(order, "guest_email", "")
    return bool(email) and not order.user_id and to.strip().lower() == email.strip().lower()


def granted_kind(session, number: str) -> str | None:
    """What this session was given of the guest order `number` (MAIL, VIEW or None). The
    caller checks the order is still a guest's (no account attached)."""
    return session.get(SESSION_KEY, {}).get(number)
