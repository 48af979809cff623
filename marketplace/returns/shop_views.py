"""The shop's returns: what consumers send back, and confirming receipt (which refunds).
Scoped to the signed-in user's shop: another shop's return is a 404."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from shops.access import ShopMixin

from . import services
from .models import ReturnRequest, ReturnStatus


class ShopReturnsMixin(ShopMixin):
    def returns(self):
        return ReturnRequest.objects.filter(part__shop=self.shop).select_related(
            "part__order", "slot"
        )


class ReturnListView(ShopReturnsMixin, ListView):
    template_name = "returns/shop_returns.html"
    context_object_name = "returns"
    paginate_by = 50

    def get_queryset(self):
        return self.returns().prefetch_related("lines").order_by("status", "-created_at")

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, statuses=ReturnStatus, **kwargs)


class ReturnDetailView(ShopReturnsMixin, DetailView):
    template_name = "returns/shop_return.html"
    context_object_name = "request_"

    def get_queryset(self):
        return self.returns().prefetch_related("lines__order_line")

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, statuses=ReturnStatus, **kwargs)

    def post(self, request, pk):
        get_object_or_404(self.returns(), pk=pk)
        try:
            done = services.confirm_receipt(
                return_id=pk,
                shop_id=self.shop.pk,
                put_back_goods=request.POST.get("put_back") == "on",
            )
        except services.ReturnRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("Receipt confirmed; € %(amount)s goes back to the consumer.")
                % {"amount": done.amount},
            )
        return redirect("shop-returns:detail", pk=pk)
