import logging

from celery import shared_task

from .retention import remove_expired_personal_data

logger = logging.getLogger(__name__)


@shared_task
def remove_expired_personal_data_task() -> dict[str, int]:
    """Beat, daily: the retention rules of legal.retention. Idempotent."""
    removed = remove_expired_personal_data()
    logger.info("personal data past retention removed", extra={"removed": removed})
    return removed
