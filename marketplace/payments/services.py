"""Money in and out for orders. Rows are written first and committed, the gateway is
called after, so no network call happens while a lock is held and a retry is a no-op."""

import logging
from decimal import Decimal

from marketplace.db import in_transaction
from marketplace.outbox import enqueue

from .gateway import get_gateway
from .models import Payment, PaymentStatus, Refund

logger = logging.getLogger(__name__)


def create_payment(*, order) -> Payment:
    return Payment.objects.create(
        order=order, gateway=get_gateway().name, amount=order.total_incl_tax
    )


def mark_payment(*, payment_id: int, status: str, reference: str = "") -> bool:
    """Moves a pending payment to its outcome; False when it was not pending (a replay)."""
    return bool(
        Payment.objects.filter(pk=payment_id, status=PaymentStatus.PENDING).update(
            status=status, reference=reference
        )
    )


def request_refund(*, payment: Payment, amount: Decimal, key: str, part=None, reason="") -> Refund:
    """Records a refund once per key and sends it to the gateway after the commit."""
    refund, created = Refund.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "payment": payment,
            "amount": amount,
            "part": part,
            "reason": reason,
        },
    )
    if created:
        from .tasks import send_refund

        enqueue(send_refund, refund.pk)
    return refund


def send_refund_to_gateway(*, refund_id: int) -> None:
    """Idempotent: the gateway dedups on the key, and a sent refund keeps its reference."""
    if in_transaction():
        raise RuntimeError("refunds call the gateway: send them after the transaction commits")
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.reference:
        return
    reference = get_gateway().refund(
        payment=refund.payment, amount=refund.amount, idempotency_key=refund.idempotency_key
    )
    Refund.objects.filter(pk=refund_id, reference="").update(reference=reference)
