from celery import shared_task


@shared_task
def settle_shops() -> int:
    """Beat: the last complete period's settlements; a second run finds them made."""
    from .settlements import settle_shops as settle

    return len(settle())
