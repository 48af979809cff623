"""Legal pages (public, and centre management's editor), a shop's own terms, the consumer's
own data (download, delete), and receipts (only the consumer's own, only the shop's own)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from logistics.models import OrderPart
from logistics.shop_views import ShopPartsMixin
from marketplace.ordering.guest_access import GuestAccessMixin, order_for_visitor
from marketplace.staff import StaffOnlyMixin
from marketplace.throttling import over_rate
from shops.access import ShopMixin

from . import accounts
from .forms import DeleteAccountForm, LegalPageForm, ShopTermsForm
from .models import LegalPageKind, ShopTerms
from .pages import legal_page, legal_pages
from .personal_data import personal_data_zip
from .receipt_pdf import receipt_pdf
from .receipts import ReceiptNotAvailable, issue_receipt


def retention_periods() -> dict:
    return {
        "order_years": settings.ORDER_RETENTION_YEARS,
        "search_days": settings.SEARCH_LOG_RETENTION_DAYS,
        "basket_days": settings.ANONYMOUS_BASKET_RETENTION_DAYS,
    }


class LegalPageView(TemplateView):
    template_name = "legal/page.html"

    def get_context_data(self, **kwargs):
        kind = self.kwargs["kind"]
        if kind not in LegalPageKind.values:
            raise Http404
        return super().get_context_data(
            page=legal_page(kind), retention=retention_periods(), **kwargs
        )


class ManageLegalPagesView(StaffOnlyMixin, TemplateView):
    template_name = "legal/management_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(pages=legal_pages(), **kwargs)


class EditLegalPageView(StaffOnlyMixin, FormView):
    template_name = "legal/management_edit.html"
    form_class = LegalPageForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in LegalPageKind.values:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": legal_page(self.kwargs["kind"])}

    def form_valid(self, form):
        page = form.save(commit=False)
        page.updated_by = self.request.user
        page.save()
        messages.success(self.request, _("Saved: %(page)s.") % {"page": page.get_kind_display()})
        return redirect("legal:manage")


class ShopTermsView(ShopMixin, FormView):
    template_name = "legal/shop_terms.html"
    form_class = ShopTermsForm

    def get_form_kwargs(self):
        terms = ShopTerms.objects.filter(shop=self.shop).first() or ShopTerms(shop=self.shop)
        return {**super().get_form_kwargs(), "instance": terms}

    def get_context_data(self, **kwargs):
        return super().get_context_data(shop=self.shop, **kwargs)

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Your shop's terms are saved."))
        return redirect("legal:shop-terms")


class PersonalDataView(LoginRequiredMixin, FormView):
    """The account page "Your data": download everything, or delete the account."""

    template_name = "legal/personal_data.html"
    form_class = DeleteAccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "request": self.request}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title=_("Your data"),
            active_tab="privacy",
            refusal=accounts.reason_not_to_delete(user=self.request.user),
            retention=retention_periods(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        wait = over_rate([("delete_account_user", str(request.user.pk))])
        if wait:
            messages.error(request, _("Too many tries; wait a while and try again."))
            return redirect("legal:personal-data")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.request.user
        try:
            accounts.delete_account(user=user)
        except accounts.DeletionRefused as refused:
            messages.error(self.request, str(refused))
            return redirect("legal:personal-data")
        logout(self.request)
        messages.success(self.request, _("Your account is deleted."))
        return redirect("/")


class PersonalDataDownloadView(LoginRequiredMixin, View):
    def get(self, request):
        stamp = timezone.localdate().isoformat()
        response = HttpResponse(
            personal_data_zip(user=request.user), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.zip"'
        response["Cache-Control"] = "no-store"
        return response


def pdf_response(part: OrderPart) -> HttpResponse:
    try:
        receipt = issue_receipt(part_id=part.pk)
    except ReceiptNotAvailable:
        raise Http404 from None
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    name = f"receipt-{part.order.number}-{receipt.display_number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


class ConsumerReceiptView(GuestAccessMixin, View):
    """Only the consumer of the order (or the guest with its link): any other signed-in
    person gets a 404."""

    def get(self, request, number, part_id):
        order = order_for_visitor(request, number)
        part = get_object_or_404(OrderPart.objects.select_related("order"), pk=part_id, order=order)
        return pdf_response(part)


class ShopReceiptView(ShopPartsMixin, View):
    """Only the shop of the part: another shop's part is a 404."""

    def get(self, request, pk):
        return pdf_response(get_object_or_404(self.parts(), pk=pk))
