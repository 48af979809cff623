"""Consumer pages: buy a card (paid through the gateway), see it, check a balance."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from marketplace.payments.gateway import GatewayUnavailable, get_gateway
from marketplace.throttling import client_ip, over_rate

from . import codes, selectors, services
from .card_pdf import card_pdf
from .forms import BuyForm, CodeForm
from .models import PurchaseStatus, Scheme


def payment_url(purchase) -> str:
    """Where the buyer pays: the gateway's hosted page (its webhook names the purchase), or
    for the offline gateway our own stand-in page. The key makes a retry reuse the page."""
    _session, url = get_gateway().start_checkout(
        amount=purchase.amount,
        # Not translated: a retry must send the very same parameters with its key.
        description=f"{settings.OSCAR_SHOP_NAME} gift card",
        metadata={"gift_card_purchase": str(purchase.pk)},
        success_url=reverse("giftcards:bought", kwargs={"token": purchase.token}),
        cancel_url=reverse("giftcards:buy"),
        offline_url=reverse("giftcards:test-payment", kwargs={"token": purchase.token}),
        idempotency_key=f"checkout-gift-card-{purchase.pk}",
    )
    return url


# The gateway is called over the network: no request transaction is held open meanwhile.
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class BuyView(LoginRequiredMixin, FormView):
    template_name = "giftcards/buy.html"
    form_class = BuyForm

    def get_initial(self):
        return {"email": self.request.user.email}

    def get_context_data(self, **kwargs):
        return super().get_context_data(scheme=Scheme.current(), **kwargs)

    def form_valid(self, form):
        try:
            purchase = services.start_purchase(
                amount=form.cleaned_data["amount"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
                buyer=self.request.user,
            )
        except services.Refused as refused:
            form.add_error("amount", str(refused))
            return self.form_invalid(form)
        try:
            return redirect(payment_url(purchase))
        except GatewayUnavailable:
            services.cancel_purchase(purchase_id=purchase.pk)
            form.add_error(
                None, _("The payment page could not be opened just now; please try again.")
            )
            return self.form_invalid(form)


class TestPaymentView(LoginRequiredMixin, TemplateView):
    """The offline gateway's stand-in for a hosted payment page: pay or cancel."""

    template_name = "giftcards/test_payment.html"

    def get_purchase(self):
        if get_gateway().name != "offline":
            raise Http404
        return selectors.purchase_of_buyer(user=self.request.user, token=self.kwargs["token"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(purchase=self.get_purchase(), **kwargs)

    def post(self, request, token):
        purchase = self.get_purchase()
        if purchase.status != PurchaseStatus.PENDING:
            messages.info(request, _("This gift card is no longer waiting for payment."))
        elif request.POST.get("action") == "pay":
            services.record_purchase_paid(purchase_id=purchase.pk, reference=f"test-{token}")
            messages.success(request, _("Thank you! Your gift card is on its way by e-mail."))
        else:
            services.cancel_purchase(purchase_id=purchase.pk)
            messages.info(request, _("Payment cancelled; no gift card was made."))
            return redirect("giftcards:buy")
        return redirect("giftcards:bought", token=token)


class BoughtView(LoginRequiredMixin, TemplateView):
    template_name = "giftcards/bought.html"

    def get_context_data(self, **kwargs):
        purchase = selectors.purchase_of_buyer(user=self.request.user, token=self.kwargs["token"])
        return super().get_context_data(
            purchase=purchase, card=purchase.card, code=codes.shown(purchase.card.code), **kwargs
        )


def pdf_response(card) -> HttpResponse:
    response = HttpResponse(card_pdf(card), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="cadeaubon-{card.code[-4:]}.pdf"'
    return response


class BoughtPdfView(LoginRequiredMixin, TemplateView):
    def get(self, request, token):
        purchase = selectors.purchase_of_buyer(user=request.user, token=token)
        if purchase.status != PurchaseStatus.PAID:
            raise Http404
        return pdf_response(purchase.card)


class BalanceView(FormView):
    """Anyone holding a card: its balance and last day. Tries are counted per address."""

    template_name = "giftcards/balance.html"
    form_class = CodeForm

    def form_valid(self, form):
        wait = over_rate([("giftcard_code_address", client_ip(self.request) or "unknown")])
        if wait:
            form.add_error("code", _("Too many codes tried; wait a minute and try again."))
            return self.form_invalid(form)
        try:
            card = services.find_card(code_text=form.cleaned_data["code"])
        except services.Refused as refused:
            form.add_error("code", str(refused))
            return self.form_invalid(form)
        return self.render_to_response(
            self.get_context_data(
                form=CodeForm(),
                card=card,
                problem=services.usable_now(card),
                online=selectors.online_spends_of_card(card_id=card.pk),
            )
        )
