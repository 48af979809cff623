"""One-click "create product from this row" for unmatched feed rows and POS items, and
"booked by hand" for online sales the POS could not take. All scoped to the user's shop."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from shops.access import ShopMixin

from . import write_back
from .catalogue_services import OfferRefused, add_offer_from_stock_row
from .event_models import PosItem
from .models import StockFeedUpload
from .pos_items import rematch_items


def _price(text) -> Decimal | None:
    try:
        return Decimal(str(text)) if text not in (None, "") else None
    except InvalidOperation:
        return None


def _create(request, shop, *, sku, ean, title, price, on_hand) -> bool:
    try:
        add_offer_from_stock_row(
            shop=shop, sku=sku, ean=ean, title=title, price=price, on_hand=on_hand
        )
    except OfferRefused as refused:
        messages.error(request, str(refused))
        return False
    messages.success(request, _("Product created: %(title)s.") % {"title": title or sku or ean})
    return True


class CreateFromUploadRowView(ShopMixin, View):
    """The row's values come from the upload's stored summary, never from the form."""

    def post(self, request, pk, row):
        upload = get_object_or_404(StockFeedUpload.objects.filter(shop=self.shop), pk=pk)
        data = next((r for r in upload.summary.get("unmatched_rows", []) if r["row"] == row), None)
        if data is None:
            raise Http404
        _create(
            request,
            self.shop,
            sku=data["sku"],
            ean=data["ean"],
            title=data["title"],
            price=_price(data["price"]),
            on_hand=int(data["quantity"]),
        )
        return redirect("shop-stock:upload", pk=upload.pk)


class CreateFromPosItemView(ShopMixin, View):
    def post(self, request, pk):
        item = get_object_or_404(
            PosItem.objects.filter(connection__shop=self.shop, stockrecord__isnull=True), pk=pk
        )
        if _create(
            request,
            self.shop,
            sku=item.sku,
            ean=item.ean,
            title=item.title,
            price=item.price,
            on_hand=0,  # the next poll or webhook brings the POS's count
        ):
            rematch_items(connection=item.connection)
        return redirect("shop-stock:connection")


class BookedByHandView(ShopMixin, View):
    def post(self, request, pk):
        if not write_back.mark_booked(shop=self.shop, write_back_id=pk):
            raise Http404
        messages.success(request, _("Marked as booked in your POS."))
        return redirect("shop-stock:connection")
