"""The shop's products in its area (/shop/products/): the list with what each offer has
available online, and adding a product by its EAN. Every query goes through the signed-in
user's shop. (An offer's own page, which also shows what the shop keeps of a sale, is
composed in marketplace.shop_area.views.)
"""

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView
from oscar.core.loading import get_model

from marketplace.thumbnails import with_thumbnails
from shops.access import ShopMixin
from shops.dashboard_forms import NewProductForm

from . import catalogue_services
from .availability import available_online

StockRecord = get_model("partner", "StockRecord")
ProductImage = get_model("catalogue", "ProductImage")


class OfferListView(ShopMixin, ListView):
    template_name = "shops/dashboard/offers.html"
    context_object_name = "offers"
    paginate_by = 50

    def get_queryset(self):
        offers = (
            StockRecord.objects.filter(partner_id=self.shop.partner_id)
            .select_related("product")
            .prefetch_related(
                Prefetch("product__images", with_thumbnails(ProductImage.objects.all(), "original"))
            )
        )
        query = self.request.GET.get("q", "").strip()
        if query:
            offers = offers.filter(
                Q(product__title__icontains=query) | Q(product__upc=query) | Q(partner_sku=query)
            )
        return offers.order_by("product__title", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(shop=self.shop, query=self.request.GET.get("q", ""))
        for offer in context["offers"]:
            offer.available = available_online(offer, safety_buffer=self.shop.safety_buffer)
        return context


class OfferCreateView(ShopMixin, FormView):
    template_name = "shops/dashboard/offer_new.html"
    form_class = NewProductForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            catalogue_services.add_offer(
                shop=self.shop,
                ean=data["ean"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                price=data["price"],
                vat_rate=data["vat_rate"],
                on_hand=data["num_in_stock"],
                sku=data["partner_sku"],
                image=data.get("image"),
                image_alt=data.get("image_alt", ""),
            )
        except catalogue_services.OfferRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
            return self.form_invalid(form)
        messages.success(self.request, _("Product added."))
        return redirect("shop:offers")
