from celery import shared_task
from django.db import DatabaseError

from . import feed_apply


@shared_task
def apply_stock_upload(upload_id: int) -> None:
    """A large stock file, applied off the request; the upload page polls its progress."""
    try:
        feed_apply.apply_upload(upload_id)
    except (DatabaseError, OSError) as error:  # the database or the file store went away
        feed_apply.mark_failed(upload_id, error)
