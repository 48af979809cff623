from celery import shared_task

from .services import send_refund_to_gateway


@shared_task(bind=True, max_retries=10, default_retry_delay=60)
def send_refund(self, refund_id: int) -> None:
    try:
        send_refund_to_gateway(refund_id=refund_id)
    except Exception as error:  # the gateway or network failed: try again later
        raise self.retry(exc=error) from error
