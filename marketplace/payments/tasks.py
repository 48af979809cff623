import logging

from celery import shared_task

from .gateway import GatewayUnavailable
from .services import record_payment_details, send_refund_to_gateway

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=10, default_retry_delay=60)
def send_refund(self, refund_id: int) -> None:
    try:
        send_refund_to_gateway(refund_id=refund_id)
    except Exception as error:  # the gateway or network failed: try again later
        raise self.retry(exc=error) from error


@shared_task
def fetch_payment_details(payment_id: int) -> None:
    """The method and real fee of a paid payment. Stripe books the fee shortly after the
    charge; until it is known the ledger uses the method's rate, and the beat asks again
    (fetch_missing_payment_fees), so a failure here only waits."""
    try:
        if not record_payment_details(payment_id=payment_id):
            logger.info("fee of payment %s not booked yet; its method's rate stands in", payment_id)
    except GatewayUnavailable:
        logger.warning("payment details of payment %s left for the next sweep", payment_id)
    except Exception:  # an answer we cannot read: the rate stands in, a person can look
        logger.exception("payment details of payment %s unreadable", payment_id)


@shared_task
def fetch_missing_payment_fees() -> int:
    """Beat: the real fee of recent paid payments whose fee Stripe had not booked yet."""
    from .services import payments_missing_fee

    waiting = payments_missing_fee()
    for payment_id in waiting:
        fetch_payment_details(payment_id)
    return len(waiting)


@shared_task
def send_transfer(transfer_id: int) -> None:
    """A failed send stays pending, with its error; send_pending_transfers tries it again."""
    from .transfers import send_transfer_to_gateway

    try:
        send_transfer_to_gateway(transfer_id=transfer_id)
    except GatewayUnavailable:
        logger.warning("transfer %s left pending for the next sweep", transfer_id)


@shared_task
def send_reversal(reversal_id: int) -> None:
    from .transfers import send_reversal_to_gateway

    try:
        send_reversal_to_gateway(reversal_id=reversal_id)
    except GatewayUnavailable:
        logger.warning("reversal %s left unsent for the next sweep", reversal_id)


@shared_task
def send_pending_transfers() -> int:
    """Beat: transfers and reversals a failed call left unsent."""
    from .transfers import resend_unsent

    return resend_unsent()


@shared_task
def retry_webhook_events() -> int:
    """Beat: applies the stored events that could not be applied yet, oldest first."""
    from .webhooks import retry_waiting_events

    return retry_waiting_events()
