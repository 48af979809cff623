"""Oscar's basket page without the context its template here does not show: Oscar's
shipping estimate (every method reads every line's product class), the saved-for-later
basket, basket warnings, upsell messages and the voucher form. The delivery fee and totals
come from the marketplace's own basket groups (templates/oscar/basket/partials)."""

from oscar.apps.basket.views import BasketView as OscarBasketView


class BasketView(OscarBasketView):
    def get_context_data(self, **kwargs):
        # Oscar's parent (the line formset view), skipping Oscar's additions above.
        return super(OscarBasketView, self).get_context_data(**kwargs)
