from celery import shared_task

from . import selectors, services
from .forms import ReportForm


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def refresh_order_sales(self, order_id: int) -> int:
    """An order event (paid, part rejected or refunded): its day, its shops. Sent on commit."""
    return services.refresh_order_sales(order_id=order_id)


@shared_task
def refresh_changed_sales() -> int:
    """Beat: every day touched since the watermark (see services.refresh_changed_sales),
    then the centre's top products of the default period, so the first visitor finds them."""
    done = services.refresh_changed_sales()
    period = ReportForm.for_query({}).default_period()
    selectors.top_products_for_scope(scope=selectors.Scope(), period=period)
    return done
