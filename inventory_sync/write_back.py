"""Online sales written back to the shop's POS once the goods have left the shop.

Consuming a reservation (services.close_reservations) records one SaleWriteBack per
reservation in the same transaction. POS systems that take adjustments (Shopify, Square)
get one from a task sent on commit; for the others (file, push API, Lightspeed polling)
the sale is listed on the connection page for the shop to book by hand.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.outbox import enqueue

from .connections import backoff_delay
from .connectors import connector_for
from .connectors.http import PosRefused, PosUnavailable
from .event_models import PosItem, SaleWriteBack, WriteBackStatus
from .models import PosKind

ADJUSTABLE_KINDS = (PosKind.SHOPIFY, PosKind.SQUARE)
MAX_ATTEMPTS = 6


@dataclass
class RetryLater(Exception):
    seconds: float


def record_sales(*, reservations) -> list[SaleWriteBack]:
    """Inside the consuming transaction: one write-back per reservation of a shop with a
    POS connection (a shop counting by hand has nothing to book). Idempotent per
    reservation: the one-to-one refuses a second row."""
    from .tasks import write_back_sale

    made = []
    for reservation in reservations:
        shop = reservation.stockrecord.partner.shop
        try:
            connection = shop.pos_connection
        except ObjectDoesNotExist:
            continue
        adjustable = connection.kind in ADJUSTABLE_KINDS
        write_back, created = SaleWriteBack.objects.get_or_create(
            reservation=reservation,
            defaults={
                "shop": shop,
                "stockrecord_id": reservation.stockrecord_id,
                "quantity": reservation.quantity,
                "status": WriteBackStatus.PENDING if adjustable else WriteBackStatus.MANUAL,
            },
        )
        if created and adjustable:
            enqueue(write_back_sale, write_back.pk)  # sent when the consuming transaction commits
        made.append(write_back)
    return made


def idempotency_key(write_back: SaleWriteBack) -> str:
    return f"stadsmarkt-sale-{write_back.pk}"


def send_write_back(*, write_back_id: int) -> str:
    """Sends one pending write-back; returns its status. Raises RetryLater on 429/5xx.

    The row is locked while the POS is called, so a duplicate task waits and then finds it
    sent: a sale is adjusted once. Square also gets the idempotency key, so even a retry
    after a lost answer books it once.
    """
    retry = None
    with transaction.atomic():
        write_back = (
            SaleWriteBack.objects.select_for_update(of=("self",))
            .select_related("shop__pos_connection")
            .get(pk=write_back_id)
        )
        if write_back.status != WriteBackStatus.PENDING:
            return write_back.status
        retry = _send(write_back)
        write_back.save()
    if retry is not None:
        raise RetryLater(retry)
    return write_back.status


def _send(write_back: SaleWriteBack) -> float | None:
    connection = write_back.shop.pos_connection
    connector = connector_for(connection)
    item = PosItem.objects.filter(
        connection=connection, stockrecord_id=write_back.stockrecord_id
    ).first()
    if connector is None or not connector.accepts_adjustments or item is None:
        write_back.status = WriteBackStatus.MANUAL
        write_back.last_error = "" if item else _("This product is not linked to a POS item.")
        return None
    write_back.attempts += 1
    try:
        sale_time = (
            {"occurred_at": write_back.created_at} if connector.adjustment_needs_time else {}
        )
        connector.adjust(
            external_id=item.external_id,
            delta=-write_back.quantity,
            idempotency_key=idempotency_key(write_back),
            **sale_time,
        )
    except PosUnavailable as error:
        write_back.last_error = error.message[:255]
        if write_back.attempts >= MAX_ATTEMPTS:
            write_back.status = WriteBackStatus.FAILED
            return None
        delay = backoff_delay(failures=write_back.attempts, retry_after=error.retry_after)
        return delay.total_seconds()
    except PosRefused as error:
        write_back.status, write_back.last_error = WriteBackStatus.FAILED, error.message[:255]
        return None
    write_back.status, write_back.sent_at, write_back.last_error = (
        WriteBackStatus.SENT,
        timezone.now(),
        "",
    )
    return None


def mark_booked(*, shop, write_back_id: int) -> bool:
    """The shop booked the sale in its POS by hand. Scoped to the shop; idempotent."""
    return bool(
        SaleWriteBack.objects.filter(
            pk=write_back_id,
            shop=shop,
            status__in=[WriteBackStatus.MANUAL, WriteBackStatus.FAILED],
        ).update(status=WriteBackStatus.BOOKED, sent_at=timezone.now())
    )
