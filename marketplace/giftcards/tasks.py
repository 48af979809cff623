from functools import partial

from celery import shared_task

from marketplace.outbox import send_email_once

from . import emails, services


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_card_email(self, card_id: int) -> None:
    """The paid card with its PDF, once per card."""
    try:
        send_email_once(f"gift-card-{card_id}", partial(emails.send_card, card_id))
    except OSError as error:  # the mail server is away: the card stands, the mail follows
        raise self.retry(exc=error) from error


@shared_task
def expire_gift_cards() -> int:
    """Beat: what is left on cards past their last day goes to the centre; and shops' gift
    card payouts that could not be sent yet (no payout account, gateway away) go again."""
    from .models import ShopStatement

    waiting = ShopStatement.objects.filter(transfer_reference="").exclude(transfer_error="")
    for statement_id in waiting.values_list("pk", flat=True)[:200]:
        send_shop_payout.delay(statement_id)
    return services.expire_cards()


@shared_task(bind=True, max_retries=8, default_retry_delay=300)
def send_shop_payout(self, statement_id: int) -> None:
    """What a settlement owes a shop for gift cards spent there; keyed by the statement."""
    from marketplace.payments.gateway import GatewayUnavailable

    from .settlement import send_payout

    try:
        send_payout(statement_id=statement_id)
    except GatewayUnavailable as error:
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=8, default_retry_delay=300)
def send_purchase_refund(self, purchase_id: int) -> None:
    """A refunded card bought online: its money back through the gateway, keyed once."""
    from marketplace.payments.gateway import GatewayUnavailable

    try:
        services.send_purchase_refund_to_gateway(purchase_id=purchase_id)
    except GatewayUnavailable as error:
        raise self.retry(exc=error) from error
