"""Money to shops: transfers, and the reversals of a transfer when its part is refunded.

The amounts come from the part's ledger (`marketplace.commission.part_transfers`). Rows
first, in the caller's transaction; the gateway is called by tasks after the commit, with
idempotency keys derived from those rows (`transfer-part-<part>`, `reversal-<refund>`),
so no retry moves money twice.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from marketplace.db import in_transaction
from marketplace.outbox import enqueue

from .gateway import get_gateway
from .models import PayoutAccount, Refund, Transfer, TransferReversal, TransferStatus

logger = logging.getLogger(__name__)
ZERO = Decimal("0.00")


def payout_ready(shop) -> bool:
    """Stripe only takes transfers to an account whose transfers capability is active."""
    if not shop.stripe_account_id:
        return False
    if settings.PAYMENT_GATEWAY != "stripe":
        return True
    return PayoutAccount.objects.filter(shop=shop, transfers_active=True).exists()


def reversed_of(transfer: Transfer | None) -> Decimal:
    if transfer is None:
        return ZERO
    return transfer.reversals.aggregate(total=Sum("amount"))["total"] or ZERO


def record_transfer(*, payout, shop, amount: Decimal, transfer_group: str, key: str) -> Transfer:
    """Records the transfer of `amount` to `shop` for a part's payout, sent after the commit,
    or held until the shop's payout account can take transfers."""
    from .tasks import send_transfer

    ready = payout_ready(shop)
    transfer = Transfer.objects.create(
        payout=payout,
        shop_id=shop.pk,
        amount=amount,
        transfer_group=transfer_group,
        idempotency_key=key,
        status=TransferStatus.PENDING if ready else TransferStatus.HELD,
    )
    if ready:
        enqueue(send_transfer, transfer.pk)
    return transfer


def record_reversal(transfer: Transfer, refund: Refund, amount: Decimal) -> None:
    from .tasks import send_reversal

    reversal = TransferReversal.objects.create(
        transfer=transfer, refund=refund, amount=amount, idempotency_key=f"reversal-{refund.pk}"
    )
    enqueue(send_reversal, reversal.pk)


def source_of(transfer: Transfer, payment) -> str:
    """The order's charge, while the order's transfers up to this one (in the order they
    were made) fit in it: Stripe lets the transfers drawn from one charge add up to its
    amount at most. A part paid partly by a second charge (a second chance's top-up) can
    go past it; that transfer is drawn from the platform's balance, which the top-up's
    charge fed (Stripe refuses it while those funds are pending: it stays pending and is
    sent again). Decided from rows that never change, so a retry sends the same call."""
    if not payment.charge_id:
        return ""
    drawn = Transfer.objects.filter(
        payout__part__order_id=payment.order_id, pk__lte=transfer.pk
    ).aggregate(total=Sum("amount"))["total"]
    return payment.charge_id if (drawn or ZERO) <= payment.amount else ""


def send_transfer_to_gateway(*, transfer_id: int) -> None:
    """Sends a pending transfer, then its reversals. No lock is held during the call; the
    key makes a repeated call (a retry, a second worker) return the first transfer."""
    if in_transaction():
        raise RuntimeError("transfers call the gateway: send them after the transaction commits")
    transfer = Transfer.objects.select_related("shop", "payout__part__order").get(pk=transfer_id)
    if transfer.status != TransferStatus.PENDING:
        return
    Transfer.objects.filter(pk=transfer_id).update(attempts=F("attempts") + 1)
    payment = transfer.payout.part.order.payment
    try:
        reference = get_gateway().transfer(
            amount=transfer.amount,
            destination=transfer.shop.stripe_account_id,
            transfer_group=transfer.transfer_group,
            source_transaction=source_of(transfer, payment),
            idempotency_key=transfer.idempotency_key,
        )
    except Exception as error:
        Transfer.objects.filter(pk=transfer_id).update(error=str(error)[:300])
        raise
    Transfer.objects.filter(pk=transfer_id, status=TransferStatus.PENDING).update(
        status=TransferStatus.SENT, reference=reference, sent_at=timezone.now(), error=""
    )
    for reversal_id in transfer.reversals.filter(reference="").values_list("pk", flat=True):
        send_reversal_to_gateway(reversal_id=reversal_id)


def send_reversal_to_gateway(*, reversal_id: int) -> None:
    """Sends a reversal once its transfer is sent (until then the transfer sends it)."""
    if in_transaction():
        raise RuntimeError("reversals call the gateway: send them after the transaction commits")
    reversal = TransferReversal.objects.select_related("transfer").get(pk=reversal_id)
    if reversal.reference or reversal.transfer.status != TransferStatus.SENT:
        return
    TransferReversal.objects.filter(pk=reversal_id).update(attempts=F("attempts") + 1)
    try:
        reference = get_gateway().reverse_transfer(
            transfer_reference=reversal.transfer.reference,
            amount=reversal.amount,
            idempotency_key=reversal.idempotency_key,
        )
    except Exception as error:
        TransferReversal.objects.filter(pk=reversal_id).update(error=str(error)[:300])
        raise
    TransferReversal.objects.filter(pk=reversal_id, reference="").update(
        reference=reference, error=""
    )


def release_held_transfers(*, shop_id: int) -> list[int]:
    """The shop's account can take transfers now: its held transfers are sent after commit."""
    from .tasks import send_transfer

    with transaction.atomic():
        held = list(
            Transfer.objects.select_for_update()
            .filter(shop_id=shop_id, status=TransferStatus.HELD)
            .values_list("pk", flat=True)
        )
        Transfer.objects.filter(pk__in=held).update(status=TransferStatus.PENDING)
        for transfer_id in held:
            enqueue(send_transfer, transfer_id)
    return held


def resend_unsent(*, limit: int = 200) -> int:
    """Sends what a failed call left behind; each call is idempotent by its key."""
    sent = 0
    for transfer_id in Transfer.objects.filter(status=TransferStatus.PENDING).values_list(
        "pk", flat=True
    )[:limit]:
        sent += try_sending(send_transfer_to_gateway, transfer_id=transfer_id)
    unsent = TransferReversal.objects.filter(reference="", transfer__status=TransferStatus.SENT)
    for reversal_id in unsent.values_list("pk", flat=True)[:limit]:
        sent += try_sending(send_reversal_to_gateway, reversal_id=reversal_id)
    return sent


def try_sending(send, **ids) -> int:
    try:
        send(**ids)
    except Exception:  # kept with its error on the row; the next run tries again
        logger.exception("sending %s failed", ids)
        return 0
    return 1
