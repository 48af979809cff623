"""Which of an order's charges a refund draws on. The gateway refunds one charge at a time and
never more than is left on it; an order may have more than one charge (its payment, then a
second chance's top-up). A refund takes what is left on the payment's charge first, then on
the later charges in the order they were made. Decided once, when the refund is recorded,
under the payment's row lock, so two refunds at once never count the same euro twice."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from .models import ExtraCharge, Payment, Refund, RefundPiece

ZERO = Decimal("0.00")


class ChargesExhausted(ValueError):
    """The order's charges hold less than the refund asks; nothing was recorded."""


def record_extra_charge(*, order_id: int, reference: str, amount: Decimal, reason: str) -> None:
    """A paid charge of the order besides its payment. Safe to call again (by reference)."""
    ExtraCharge.objects.get_or_create(
        reference=reference, defaults={"order_id": order_id, "amount": amount, "reason": reason}
    )


def charges_of(payment: Payment) -> list[tuple[str, Decimal]]:
    """The order's charges, first to last: (gateway reference, amount)."""
    extra = ExtraCharge.objects.filter(order_id=payment.order_id).order_by("pk")
    charges = [(payment.reference, payment.amount)] if payment.amount > 0 else []
    return charges + [(charge.reference, charge.amount) for charge in extra]


def drawn_from(payment: Payment) -> dict[str, Decimal]:
    rows = (
        RefundPiece.objects.filter(refund__payment=payment)
        .values("charge_reference")
        .annotate(total=Sum("amount"))
    )
    return {row["charge_reference"]: row["total"] for row in rows}


def split_refund(refund: Refund) -> list[RefundPiece]:
    """Records the pieces of a refund that has none yet (returns them, or the ones it has),
    in a transaction of its own or the caller's, under the payment's row lock. Raises
    ChargesExhausted (nothing recorded) when the charges cannot hold it."""
    with transaction.atomic():
        Payment.objects.select_for_update().filter(pk=refund.payment_id).first()
        existing = list(refund.pieces.order_by("pk"))
        return existing or record_pieces(refund)


def record_pieces(refund: Refund) -> list[RefundPiece]:
    taken = allocate(
        due=refund.gateway_amount,
        charges=charges_of(refund.payment),
        drawn=drawn_from(refund.payment),
    )
    if taken is None:
        raise ChargesExhausted(
            f"order {refund.payment.order_id}: its charges hold less than the refund "
            f"{refund.idempotency_key} asks ({refund.gateway_amount})"
        )
    key = refund.idempotency_key
    pieces = [
        RefundPiece(
            refund=refund,
            charge_reference=reference,
            amount=amount,
            idempotency_key=key if index == 0 else f"{key}~{index}",
        )
        for index, (reference, amount) in enumerate(taken)
    ]
    return RefundPiece.objects.bulk_create(pieces)


def allocate(
    *, due: Decimal, charges: list[tuple[str, Decimal]], drawn: dict[str, Decimal]
) -> list[tuple[str, Decimal]] | None:
    """(charge, amount) pieces that add up to `due`, taking what is left on each charge
    (its amount less `drawn` from it) first to last; None when they hold less. Pure."""
    pieces = []
    for reference, amount in charges:
        if due <= 0:
            break
        take = min(due, amount - drawn.get(reference, ZERO))
        if take > 0:
            pieces.append((reference, take))
            due -= take
    return pieces if due <= 0 else None
