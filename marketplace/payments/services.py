"""Money in and out for orders. Rows are written first and committed, the gateway is
called after, so no network call happens while a lock is held and a retry is a no-op."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from marketplace.db import in_transaction
from marketplace.outbox import enqueue

from .fees import offered_methods
from .gateway import KnowsPaymentDetails, get_gateway
from .models import Payment, PaymentStatus, Refund, RefundPiece
from .refund_pieces import split_refund

logger = logging.getLogger(__name__)


def create_payment(*, order) -> Payment:
    return Payment.objects.create(
        order=order, gateway=get_gateway().name, amount=order.total_incl_tax
    )


OPEN = [PaymentStatus.PENDING, PaymentStatus.PROCESSING]


def mark_payment(*, payment_id: int, status: str, reference: str = "") -> bool:
    """Moves a pending (or processing) payment to its outcome; False when it was neither (a
    replay)."""
    return bool(
        Payment.objects.filter(pk=payment_id, status__in=OPEN).update(
            status=status, reference=reference
        )
    )


def mark_processing(*, payment_id: int, method: str = "") -> bool:
    """The consumer finished at the bank, whose word is still to come: the order keeps its
    stock until it comes (or PAYMENT_PENDING_HOLD_HOURS pass). False when not pending."""
    changes: dict = {"status": PaymentStatus.PROCESSING, "processing_since": timezone.now()}
    if method:
        changes["method"] = method
    return bool(
        Payment.objects.filter(pk=payment_id, status=PaymentStatus.PENDING).update(**changes)
    )


def mark_failed(*, payment_id: int, error: str = "") -> bool:
    """The bank refused the payment; the caller releases the order (PaymentEndedUnpaid)."""
    return bool(
        Payment.objects.filter(pk=payment_id, status__in=OPEN).update(
            status=PaymentStatus.FAILED, last_error=error[:300]
        )
    )


def choose_method(*, payment_id: int, method: str) -> None:
    """The method the consumer picked on a payment page of our own (the offline gateway)."""
    if method not in offered_methods():
        raise ValueError(f"{method!r} is not one of this town's payment methods")
    Payment.objects.filter(pk=payment_id, status__in=OPEN).update(method=method)


def payments_missing_fee(*, days: int = 7, limit: int = 200) -> list[int]:
    """Recent paid payments with a gateway reference whose real fee is not known yet."""
    since = timezone.now() - timedelta(days=days)
    waiting = Payment.objects.filter(
        gateway=get_gateway().name,
        status=PaymentStatus.SUCCEEDED,
        fee__isnull=True,
        created_at__gte=since,
    ).exclude(reference="")
    return list(waiting.order_by("pk").values_list("pk", flat=True)[:limit])


def record_payment_details(*, payment_id: int) -> bool:
    """Asks the gateway how a paid payment was made and what it cost, and keeps both (each
    once). True when the fee is known now or there is nothing to ask; False to ask later.
    Calls the gateway: outside a transaction only."""
    if in_transaction():
        raise RuntimeError("this calls the gateway: call it after the transaction commits")
    payment = Payment.objects.get(pk=payment_id)
    gateway = get_gateway()
    if payment.fee is not None or not payment.reference:
        return True
    if not isinstance(gateway, KnowsPaymentDetails):
        return True
    details = gateway.payment_details(payment=payment)
    if details.method:
        Payment.objects.filter(pk=payment_id, method="").update(method=details.method[:20])
    if details.charge_id:
        Payment.objects.filter(pk=payment_id, charge_id="").update(charge_id=details.charge_id)
    if details.fee is None:
        return False
    if details.fee < 0:
        raise ValueError(f"the gateway's fee of payment {payment_id} is negative: {details.fee}")
    Payment.objects.filter(pk=payment_id, fee__isnull=True).update(fee=details.fee)
    return True


def request_refund(
    *,
    payment: Payment,
    amount: Decimal,
    key: str,
    part=None,
    reason="",
    gift_card_amount: Decimal = Decimal("0.00"),
) -> Refund:
    """Records a refund once per key and sends it to the gateway after the commit.
    `gift_card_amount` of it went back onto the order's gift card(s) (the caller booked
    that in the gift card ledger); the gateway refunds the rest, if any."""
    refund, created = Refund.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "payment": payment,
            "amount": amount,
            "gift_card_amount": gift_card_amount,
            "part": part,
            "reason": reason,
        },
    )
    if created and refund.gateway_amount > 0:
        from .tasks import send_refund

        split_refund(refund)
        enqueue(send_refund, refund.pk)
    return refund


def send_refund_to_gateway(*, refund_id: int) -> None:
    """Sends each piece of the refund (one per charge it draws on). Idempotent: the gateway
    dedups on each piece's key, and a sent piece keeps its reference."""
    if in_transaction():
        raise RuntimeError("refunds call the gateway: send them after the transaction commits")
    refund = Refund.objects.select_related("payment__order").get(pk=refund_id)
    if refund.reference or refund.gateway_amount <= 0:
        return
    if not refund.pieces.exists():  # recorded before refunds were split
        with transaction.atomic():
            split_refund(refund)
    gateway = get_gateway()
    for piece in refund.pieces.filter(reference="").order_by("pk"):
        reference = gateway.refund(
            reference=piece.charge_reference,
            amount=piece.amount,
            idempotency_key=piece.idempotency_key,
            metadata={
                "idempotency_key": piece.idempotency_key,
                "order_number": refund.payment.order.number,
            },
        )
        RefundPiece.objects.filter(pk=piece.pk, reference="").update(reference=reference)
    first = refund.pieces.order_by("pk").values_list("reference", flat=True).first()
    Refund.objects.filter(pk=refund_id, reference="").update(reference=first or "")
