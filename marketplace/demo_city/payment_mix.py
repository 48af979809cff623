"""How the demo city's past consumers paid: about 70% iDEAL, 10% Bancontact and 20% card, as
in Dutch online shopping. The method follows from the order number, which follows from the
seed, so the same seed gives the same mix."""

import hashlib

from django.db.models import Q
from oscar.core.loading import get_model

from marketplace.payments.fees import offered_methods
from marketplace.payments.models import Payment, PaymentStatus

Order = get_model("order", "Order")
MIX = (("ideal", 70), ("bancontact", 10), ("card", 20))


def method_of(order_number: str) -> str:
    """The order's method by the mix; a method the town does not offer gives its first."""
    bucket = int(hashlib.sha256(order_number.encode()).hexdigest()[:8], 16) % 100
    chosen = MIX[-1][0]
    for method, share in MIX:
        if bucket < share:
            chosen = method
            break
        bucket -= share
    offered = offered_methods()
    return chosen if chosen in offered else offered[0]


def paid_payments(order_ids) -> dict[int, Payment]:
    """The payment of each past order, written once (bulk) with its method; the offline
    gateway's payments, so their fee is the method's rate."""
    missing = Order.objects.filter(Q(pk__in=order_ids) & Q(payment__isnull=True))
    Payment.objects.bulk_create(
        [
            Payment(
                order_id=pk,
                gateway="offline",
                reference=f"test-{number}",
                amount=total,
                status=PaymentStatus.SUCCEEDED,
                method=method_of(number),
            )
            for pk, number, total in missing.values_list("pk", "number", "total_incl_tax")
        ],
        batch_size=1000,
    )
    return {payment.order_id: payment for payment in Payment.objects.filter(order_id__in=order_ids)}
