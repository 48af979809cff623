"""Stripe's webhook and the shop's payout onboarding page. (Paying an order again is
ordering's page: marketplace.ordering.payment_views.)

These views run without the request-wide transaction: gateway calls happen outside any
transaction, and the webhook's effect has its own.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from shops.models import Shop

from .accounts import onboarding_link
from .gateway import GatewayUnavailable, get_gateway
from .webhooks import receive_event, store_invalid_event

logger = logging.getLogger(__name__)
non_atomic = method_decorator(transaction.non_atomic_requests, name="dispatch")


@method_decorator(csrf_exempt, name="dispatch")
@non_atomic
class StripeWebhookView(View):
    """Stripe signs the raw body; it is checked before anything is read or stored."""

    def post(self, request):
        if settings.PAYMENT_GATEWAY != "stripe":
            raise Http404
        from .stripe_gateway import BadSignature, MalformedEvent, parse_webhook

        try:
            event = parse_webhook(
                body=request.body, signature=request.headers.get("Stripe-Signature", "")
            )
        except BadSignature as error:
            logger.warning("Stripe webhook refused, bad signature: %s", error)
            return HttpResponseBadRequest("bad signature")
        except MalformedEvent as malformed:
            logger.warning("Stripe webhook refused, malformed event: %s", malformed.reason)
            store_invalid_event(
                body=request.body, reason=malformed.reason, payload=malformed.payload
            )
            return HttpResponseBadRequest("not a Stripe event we can read")
        receive_event(event=event)
        # Stored, even when it must wait: Stripe need not send it again.
        return HttpResponse("ok")


@non_atomic
class PayoutOnboardingView(LoginRequiredMixin, View):
    """Our own URL for Stripe's onboarding: each visit makes a fresh account link. Only the
    shop's own staff get it; anyone else gets a 404."""

    def get(self, request, slug):
        shop = get_object_or_404(Shop, slug=slug, partner__users=request.user)
        if get_gateway().name != "stripe":
            return redirect(get_gateway().payout_onboarding_link(shop=shop))
        here = reverse("payments:payout-onboarding", kwargs={"slug": slug})
        try:
            url = onboarding_link(shop=shop, refresh_path=here, return_path=reverse("money:home"))
        except GatewayUnavailable:
            messages.error(request, _("Stripe does not answer right now. Try again in a minute."))
            return redirect("shop:home")
        return redirect(url)
