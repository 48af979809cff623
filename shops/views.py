from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from . import selectors


class ShopListView(ListView):
    template_name = "shops/shop_list.html"
    context_object_name = "shops"

    def get_queryset(self):
        return selectors.shops_for_storefront()


class ShopDetailView(ListView):
    """A shop's page: its profile and hours, then its products, paginated."""

    template_name = "shops/shop_detail.html"
    context_object_name = "offers"
    paginate_by = 24

    def get_queryset(self):
        self.shop = get_object_or_404(
            selectors.shops_for_storefront().prefetch_related("opening_hours"),
            slug=self.kwargs["slug"],
        )
        return selectors.offers_for_shop(shop=self.shop)

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, **kwargs)
