"""Issue 16: a money task delivered again (the broker redelivers it after its worker died,
or the outbox relays its row twice) moves no money twice. The gateway calls carry the key of
their event, so even a worker that died between Stripe's answer and our commit is safe:
the next run sends the same key and Stripe answers with the first transfer or refund
(tests/payments/fake_stripe.py keeps Stripe's idempotency)."""

import pytest

from logistics.part_states import reject_part
from marketplace.payments.models import Refund, RefundPiece, Transfer, TransferStatus
from marketplace.payments.tasks import send_refund, send_transfer

from .test_transfers import hand_over_part, pay

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_transfer_task_run_again_moves_nothing_new(two_shop_order, fake_stripe):
    pay(two_shop_order["order"])
    hand_over_part(two_shop_order["books_part"])
    transfer = Transfer.objects.get()
    assert transfer.status == TransferStatus.SENT

    for _ in range(2):  # redelivered after it was done: not even a call
        send_transfer.apply(args=[transfer.pk], headers={"outbox_id": 1})
    assert len(fake_stripe.calls("/v1/transfers")) == 1

    # The worker died after Stripe's answer, before our commit: the row still says pending.
    Transfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.PENDING, reference="")
    send_transfer.apply(args=[transfer.pk])
    first, again = fake_stripe.calls("/v1/transfers")
    assert again.idempotency_key == first.idempotency_key and again.replayed
    assert len(fake_stripe.created("tr_")) == 1, "one transfer at Stripe"
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.SENT and transfer.reference.startswith("tr_")


def test_a_refund_task_run_again_refunds_once(two_shop_order, fake_stripe):
    pay(two_shop_order["order"])
    cheese_part = two_shop_order["cheese_part"]
    reject_part(part_id=cheese_part.pk, shop_id=cheese_part.shop_id, reason="sold out")
    refund = Refund.objects.get()
    assert refund.reference

    send_refund.apply(args=[refund.pk])  # redelivered after it was done
    assert len(fake_stripe.calls("/v1/refunds")) == 1

    # Died before our commit: neither the piece nor the refund kept Stripe's answer.
    RefundPiece.objects.filter(refund=refund).update(reference="")
    Refund.objects.filter(pk=refund.pk).update(reference="")
    send_refund.apply(args=[refund.pk])
    first, again = fake_stripe.calls("/v1/refunds")
    assert again.idempotency_key == first.idempotency_key and again.replayed
    assert len(fake_stripe.created("re_")) == 1, "one refund at Stripe"
    assert Refund.objects.get(pk=refund.pk).reference == refund.reference
