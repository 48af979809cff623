"""What each Stripe event does to our rows. Each handler runs inside the event's transaction
(see webhooks.py) and raises NotYet when what it needs is not here yet."""

import logging

from django.utils import timezone
from oscar.core.loading import get_model

from marketplace import events
from marketplace.outbox import enqueue

from .models import ExtraCharge, Payment, PaymentStatus, PayoutAccount, Refund, RefundPiece
from .services import mark_failed, mark_processing
from .tasks import fetch_payment_details

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")


class NotYet(Exception):
    """The event cannot be applied now; it is kept and tried again later."""


def payment_of(order_number: str | None) -> Payment:
    payment = (
        Payment.objects.select_related("order").filter(order__number=order_number or "").first()
    )
    if payment is None:
        raise NotYet(f"no order {order_number!r} yet")
    return payment


def record_paid(*, order_number: str | None, payment_intent: str, charge: str = "") -> None:
    """The consumer paid: the order is confirmed (or, if it expired meanwhile, refunded) by
    the listener of PaymentSucceeded (marketplace.ordering)."""
    payment = payment_of(order_number)
    # Kept before confirming: a late payment is refunded through this payment intent.
    Payment.objects.filter(pk=payment.pk, reference="").update(reference=payment_intent or "")
    if charge:
        Payment.objects.filter(pk=payment.pk, charge_id="").update(charge_id=charge)
    events.publish(
        events.PaymentSucceeded(order_id=payment.order_id, reference=payment_intent or "")
    )
    if payment.fee is None:  # the method and the real fee: asked after the commit
        enqueue(fetch_payment_details, payment.pk)


# Checkout Sessions that are not an order's (StripeGateway.start_checkout): the metadata key
# names what was paid, and the event published for it (its listener lives higher up).
OTHER_CHECKOUTS = {
    "top_up": (events.TopUpPaid, events.TopUpEnded),
    "gift_card_purchase": (events.GiftCardPaid, events.GiftCardEnded),
}


def other_checkout(session: dict) -> tuple[str, int] | None:
    """(metadata key, id) of a session that pays a top-up or a gift card, else None."""
    metadata = session.get("metadata") or {}
    for key in OTHER_CHECKOUTS:
        if key in metadata:
            value = str(metadata[key])
            if not value.isdigit():
                raise ValueError(f"metadata {key}={value[:40]!r} is not an id")
            return key, int(value)
    return None


def other_paid(found: tuple[str, int], session: dict) -> None:
    key, pk = found
    paid, _ended = OTHER_CHECKOUTS[key]
    events.publish(paid(pk, session.get("payment_intent") or session.get("id") or ""))


def other_ended(found: tuple[str, int]) -> None:
    key, pk = found
    _paid, ended = OTHER_CHECKOUTS[key]
    events.publish(ended(pk))


def checkout_completed(session: dict) -> None:
    found = other_checkout(session)
    if found:
        # A bank payment still on its way waits for async_payment_succeeded or _failed.
        if session.get("payment_status") == "paid":
            other_paid(found, session)
        return
    if session.get("payment_status") != "paid":
        # A bank payment still on its way: async_payment_succeeded or _failed follows; the
        # order keeps its stock meanwhile (see ordering's expire_unpaid_orders).
        payment = payment_of(session.get("metadata", {}).get("order_number"))
        mark_processing(payment_id=payment.pk)
        return
    record_paid(
        order_number=session.get("metadata", {}).get("order_number"),
        payment_intent=session.get("payment_intent") or "",
    )


def checkout_async_succeeded(session: dict) -> None:
    found = other_checkout(session)
    if found:
        other_paid(found, session)
        return
    record_paid(
        order_number=session.get("metadata", {}).get("order_number"),
        payment_intent=session.get("payment_intent") or "",
    )


def checkout_async_failed(session: dict) -> None:
    """The bank refused a payment that was waiting for it: the order is released."""
    found = other_checkout(session)
    if found:
        other_ended(found)
        return
    payment = payment_of(session.get("metadata", {}).get("order_number"))
    mark_failed(payment_id=payment.pk, error="The bank did not confirm the payment.")
    events.publish(events.PaymentEndedUnpaid(order_id=payment.order_id))


def checkout_ended_unpaid(session: dict) -> None:
    """The Checkout page expired or the bank payment failed: stock and slots go back (the
    listener of PaymentEndedUnpaid, marketplace.ordering)."""
    found = other_checkout(session)
    if found:
        other_ended(found)
        return
    payment = payment_of(session.get("metadata", {}).get("order_number"))
    events.publish(events.PaymentEndedUnpaid(order_id=payment.order_id))


def payment_intent_succeeded(intent: dict) -> None:
    if other_checkout(intent):
        return  # a top-up's or gift card's: its Checkout Session's events apply it
    record_paid(
        order_number=intent.get("metadata", {}).get("order_number"),
        payment_intent=intent["id"],
        charge=intent.get("latest_charge") or "",
    )


def payment_intent_failed(intent: dict) -> None:
    """A declined card: Checkout lets the consumer try again until the order expires."""
    if other_checkout(intent):
        return
    payment = payment_of(intent.get("metadata", {}).get("order_number"))
    message = (intent.get("last_payment_error") or {}).get("message", "")
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
        last_error=message[:300]
    )


# Refunds of charges that are not an order's, booked where they were made (a top-up paid
# after it was cancelled; a gift card purchase): their keys start with these.
OWN_LEDGER_REFUNDS = ("late-top-up-", "gift-card-")


def payment_of_charge(intent: str) -> Payment | None:
    """The order payment a charge belongs to: its own, or the order's of an extra charge."""
    payment = Payment.objects.filter(reference=intent).first() if intent else None
    extra = None if payment or not intent else ExtraCharge.objects.filter(reference=intent).first()
    if extra is not None:
        payment = Payment.objects.filter(order_id=extra.order_id).first()
    return payment


def charge_refunded(charge: dict) -> str:
    """Our refunds are final. A refund not made through us (the Stripe dashboard) cannot be
    put on a shop's part by itself: the returned note leaves it for a person."""
    refunds = (charge.get("refunds") or {}).get("data", [])
    payment = payment_of_charge(charge.get("payment_intent") or "")
    if payment is None:
        if refunds and all(key_of(refund).startswith(OWN_LEDGER_REFUNDS) for refund in refunds):
            return "refund of a charge that is not an order's; booked by its own ledger"
        raise NotYet(f"no payment for {charge.get('payment_intent')!r} yet")
    unknown = [refund["id"] for refund in refunds if not confirm_refund(payment, refund)]
    if unknown:
        logger.warning("refunds of %s not made through the marketplace: %s", payment, unknown)
        return f"refunds not made through the marketplace: {', '.join(unknown)}"
    return ""


def key_of(refund: dict) -> str:
    return str((refund.get("metadata") or {}).get("idempotency_key", ""))


def confirm_refund(payment: Payment, refund: dict) -> bool:
    """Confirms the piece of our refund that Stripe's refund is (matched by our key, else
    by reference); the refund is final once all its pieces are."""
    now = timezone.now()
    pieces = RefundPiece.objects.filter(refund__payment=payment)
    piece = pieces.filter(idempotency_key=key_of(refund)).first()
    piece = piece or pieces.filter(reference=refund["id"]).first()
    if piece is not None:
        RefundPiece.objects.filter(pk=piece.pk, reference="").update(reference=refund["id"])
        RefundPiece.objects.filter(pk=piece.pk, confirmed_at__isnull=True).update(confirmed_at=now)
        if piece.refund.pieces.filter(confirmed_at__isnull=True).exists():
            return True
        ours: Refund | None = piece.refund
    else:  # recorded before refunds were split into pieces
        ours = Refund.objects.filter(payment=payment, idempotency_key=key_of(refund)).first()
        ours = ours or Refund.objects.filter(payment=payment, reference=refund["id"]).first()
    if ours is None:
        return False
    Refund.objects.filter(pk=ours.pk, reference="").update(reference=refund["id"])
    Refund.objects.filter(pk=ours.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    return True


def account_updated(account: dict) -> None:
    """The shop's payout status; transfers held for it go once it can take them."""
    from .transfers import release_held_transfers

    payout = PayoutAccount.objects.filter(account_id=account["id"]).first()
    if payout is None:
        raise NotYet(f"no shop with account {account['id']!r} yet")
    active = (account.get("capabilities") or {}).get("transfers") == "active"
    PayoutAccount.objects.filter(pk=payout.pk).update(
        details_submitted=bool(account.get("details_submitted")),
        charges_enabled=bool(account.get("charges_enabled")),
        payouts_enabled=bool(account.get("payouts_enabled")),
        transfers_active=active,
        requirements_due=(account.get("requirements") or {}).get("currently_due", []),
        updated_at=timezone.now(),
    )
    if active:
        release_held_transfers(shop_id=payout.shop_id)


HANDLERS = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": checkout_async_succeeded,
    "checkout.session.async_payment_failed": checkout_async_failed,
    "checkout.session.expired": checkout_ended_unpaid,
    "payment_intent.succeeded": payment_intent_succeeded,
    "payment_intent.payment_failed": payment_intent_failed,
    "charge.refunded": charge_refunded,
    "account.updated": account_updated,
}
