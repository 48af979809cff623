"""Oscar's basket page without the context its template here does not show: Oscar's
shipping estimate (every method reads every line's product class), the saved-for-later
basket, basket warnings, upsell messages and the voucher form. The delivery fee and totals
come from the marketplace's own basket groups (templates/oscar/basket/partials).

Showing the basket only reads (a basket made for a signed-in user on the way is one
INSERT of its own): no transaction around a GET, so no BEGIN and COMMIT; a POST (the
quantities' formset) runs in one transaction, as ATOMIC_REQUESTS would run it."""

from django.db import transaction
from oscar.apps.basket.views import BasketView as OscarBasketView

READ_METHODS = ("GET", "HEAD", "OPTIONS")


class BasketView(OscarBasketView):
    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def dispatch(self, request, *args, **kwargs):
        if request.method in READ_METHODS:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # Oscar's parent (the line formset view), skipping Oscar's additions above.
        return super(OscarBasketView, self).get_context_data(**kwargs)
