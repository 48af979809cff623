"""The shop area's pages that compose several packages: the home page (today's order parts
and courier hand-overs, from logistics) and an offer's page (the offer from inventory_sync,
"of €X you keep €Y" from commission). Every query goes through the signed-in user's shop.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from oscar.core.loading import get_model

from inventory_sync import catalogue_services
from logistics import handover, shop_today
from marketplace.commission.previews import what_shop_keeps_by_method, what_shop_keeps_of
from shops.access import ShopMixin
from shops.dashboard_forms import OfferForm, ProductDetailsForm

StockRecord = get_model("partner", "StockRecord")


class HomeView(ShopMixin, TemplateView):
    template_name = "shops/dashboard/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            shop=self.shop,
            work=shop_today.todays_work(self.shop),
            today=timezone.localdate().isoformat(),
            handovers=handover.handovers_of_shop(shop_id=self.shop.pk),
            offers=StockRecord.objects.filter(partner_id=self.shop.partner_id).count(),
            **kwargs,
        )


class OfferEditView(ShopMixin, FormView):
    template_name = "shops/dashboard/offer_form.html"
    form_class = OfferForm

    def get_record(self):
        return get_object_or_404(
            StockRecord.objects.select_related("product"),
            pk=self.kwargs["pk"],
            partner_id=self.shop.partner_id,
        )

    def get_initial(self):
        record = self.get_record()
        return {
            "price": record.price,
            "vat_rate": f"{record.vat_rate:.2f}",
            "num_in_stock": record.num_in_stock,
            "partner_sku": record.partner_sku,
        }

    def get_context_data(self, **kwargs):
        record = self.get_record()
        shared = not catalogue_services.sole_seller(record)
        details = kwargs.pop("details", None) or ProductDetailsForm(
            initial={"title": record.product.title, "description": record.product.description},
            prefix="product",
        )
        return super().get_context_data(
            shop=self.shop,
            record=record,
            shared=shared,
            details=details,
            keeps=what_shop_keeps_of(shop=self.shop, record=record),
            keeps_by_method=what_shop_keeps_by_method(shop=self.shop, record=record),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        form = self.get_form()
        details = ProductDetailsForm(request.POST, request.FILES, prefix="product")
        shared = not catalogue_services.sole_seller(record)
        if not form.is_valid() or (not shared and not details.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, details=details))
        catalogue_services.update_offer(
            shop=self.shop,
            stockrecord_id=record.pk,
            changes=dict(form.cleaned_data),
            product_changes={} if shared else dict(details.cleaned_data),
        )
        messages.success(request, _("Saved."))
        return redirect("shop:offers")
