from celery import shared_task


@shared_task(ignore_result=False)
def ping(value: str) -> str:
    """Answers its argument: proves a worker takes tasks from the broker and runs them."""
    return f"pong:{value}"
