"""The stock-taking page (/shop/stock/count/): scan or type a barcode, set or adjust the count.

Every read and write is scoped to the signed-in user's shop (stocktake.py); a draft of
another shop is a 404. Each form carries a fresh token, so a resent count is applied once.
"""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from shops.access import ShopMixin

from . import stocktake
from .availability import available_online
from .catalogue_services import OfferRefused
from .stocktake_forms import CHANGE_OF_MODE, MODE_SHOW, CountForm, DraftForm, ScanForm
from .stocktake_models import StockDraft

MODE_KEY = "stocktake_mode"


def page_for(code: str) -> str:
    return f"{reverse('shop-stock:count')}?{urlencode({'code': code})}#counted"


class StocktakeView(ShopMixin, View):
    template_name = "inventory_sync/stocktake.html"

    def get(self, request):
        return self.page(code_text=request.GET.get("code", ""))

    def post(self, request):
        """A scan: show the product, or add or take off 1 at once."""
        form = ScanForm(request.POST)
        if not form.is_valid():
            return self.page(scan_form=form, status=400)
        code, mode = form.cleaned_data["code"], form.cleaned_data["mode"]
        request.session[MODE_KEY] = mode
        if mode == MODE_SHOW and (
            stocktake.offer_for_barcode(shop=self.shop, code=code)
            or stocktake.draft_for_barcode(shop=self.shop, code=code)
        ):
            return redirect(page_for(code))  # only looking: nothing to log
        result = stocktake.count_barcode(
            shop=self.shop,
            code=code,
            token=form.cleaned_data["token"],
            user=request.user,
            change=CHANGE_OF_MODE.get(mode, 0),
        )
        tell(request, result, shown=mode != MODE_SHOW)
        return redirect(page_for(code))

    def page(self, *, code_text: str = "", scan_form=None, count_form=None, status=200):
        mode = self.request.session.get(MODE_KEY, MODE_SHOW)
        context = {
            "shop": self.shop,
            "scan_form": scan_form or ScanForm(initial={"mode": mode, "token": uuid.uuid4()}),
            "drafts": stocktake.drafts_for_shop(self.shop),
            "recent": stocktake.recent_counts_for_shop(self.shop),
        }
        context.update(self.counted(code_text, count_form))
        return render(self.request, self.template_name, context, status=status)

    def counted(self, code_text: str, count_form) -> dict:
        """What the page shows about one barcode: the shop's offer, its draft, or an error."""
        if not code_text:
            return {}
        try:
            code = stocktake.read_barcode(code_text)
        except stocktake.BadBarcode as error:
            return {"code_error": str(error)}
        record = stocktake.offer_for_barcode(shop=self.shop, code=code)
        draft = None if record else stocktake.draft_for_barcode(shop=self.shop, code=code)
        form = count_form or CountForm(initial={"code": code, "token": uuid.uuid4()})
        return {
            "code": code,
            "record": record,
            "available": available_online(record) if record else None,
            "draft": draft,
            "catalogue": stocktake.catalogue_product(code) if draft else None,
            "count_form": form if (record or draft) else None,
        }


class SaveCountView(StocktakeView):
    """The count typed on the page, or its +1 / -1 buttons."""

    def get(self, request):
        raise Http404  # counting is a POST

    def post(self, request):
        form = CountForm(request.POST)
        if not form.is_valid():
            code_text = request.POST.get("code", "")
            if "code" in form.errors:
                messages.error(request, form.errors["code"][0])
                code_text = ""
            return self.page(code_text=code_text, count_form=form, status=400)
        data = form.cleaned_data
        change = data["change"]
        result = stocktake.count_barcode(
            shop=self.shop,
            code=data["code"],
            token=data["token"],
            user=request.user,
            quantity=None if change else data["quantity"],
            change=change,
        )
        tell(request, result, shown=True)
        return redirect(page_for(data["code"]))


def tell(request, result: stocktake.CountResult, *, shown: bool) -> None:
    """Says what happened to the count, in the owner's words."""
    if result.repeated:
        messages.info(request, _("This count was already saved; it was not counted twice."))
        return
    if result.draft is not None:
        if result.new_draft:
            messages.warning(
                request,
                _(
                    "Barcode %(code)s is new to your shop: we made a draft product. It is not "
                    "shown in the shop until you add its name and price."
                )
                % {"code": result.code},
            )
        if shown:
            messages.success(
                request,
                _("Draft %(code)s: %(count)s counted.")
                % {"code": result.code, "count": result.after},
            )
        return
    assert result.record is not None  # a count without a draft is of a record
    title = result.record.product.get_title()
    if not result.applied:
        messages.error(
            request,
            _("Not saved: your till sent a newer count for %(title)s (%(count)s on the shelf).")
            % {"title": title, "count": result.after},
        )
        return
    if shown:
        messages.success(
            request,
            _("Saved: %(title)s now has %(count)s on the shelf (was %(before)s).")
            % {"title": title, "count": result.after, "before": result.before},
        )
    if result.below_reserved:
        messages.warning(
            request,
            _(
                "%(reserved)s of %(title)s are reserved for online orders, more than the "
                "%(count)s you counted. The orders keep their reservation and nothing more is "
                "sold online until the count is above it; check your open orders."
            )
            % {"reserved": result.reserved, "title": title, "count": result.after},
        )


class DraftView(ShopMixin, View):
    """Completes a draft with a name and a price: then it is an offer in the shop."""

    template_name = "inventory_sync/stocktake_draft.html"

    def get(self, request, pk):
        draft = get_object_or_404(StockDraft.objects.filter(shop=self.shop), pk=pk)
        known = stocktake.catalogue_product(draft.gtin)
        initial = {"title": known.get_title()} if known else {}
        return self.page(draft, DraftForm(initial=initial), known)

    def post(self, request, pk):
        draft = get_object_or_404(StockDraft.objects.filter(shop=self.shop), pk=pk)
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                record = stocktake.complete_draft(
                    shop=self.shop, draft_id=draft.pk, **form.cleaned_data
                )
            except OfferRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    _("%(title)s is in your shop now, with %(count)s on the shelf.")
                    % {"title": record.product.get_title(), "count": record.num_in_stock},
                )
                return redirect(page_for(draft.gtin))
        return self.page(draft, form, stocktake.catalogue_product(draft.gtin), status=400)

    def page(self, draft, form, known, status=200):
        context = {"shop": self.shop, "draft": draft, "form": form, "known": known}
        return render(self.request, self.template_name, context, status=status)


class DeleteDraftView(ShopMixin, View):
    def post(self, request, pk):
        if not stocktake.delete_draft(shop=self.shop, draft_id=pk):
            raise Http404
        messages.success(request, _("Draft deleted."))
        return redirect("shop-stock:count")
