"""Public side of onboarding: the page after applying, and the offline gateway's payout page.
(The application form is marketplace.shop_area.onboarding_views: it shows commission's
figures.)"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import services
from .models import Shop


class ApplyDoneView(TemplateView):
    template_name = "shops/onboarding/apply_done.html"


class OfflinePayoutView(LoginRequiredMixin, View):
    """The offline gateway's stand-in for Stripe's payout onboarding: one confirm button.

    Only the shop's own staff get the page; anyone else gets a 404, so a slug reveals nothing.
    """

    template_name = "shops/onboarding/payout_offline.html"

    def shop(self):
        return get_object_or_404(Shop, slug=self.kwargs["slug"], partner__users=self.request.user)

    def get(self, request, slug):
        return render(request, self.template_name, {"shop": self.shop()})

    def post(self, request, slug):
        shop = self.shop()
        if services.connect_payout_account(shop_id=shop.pk, account_id=f"offline-{shop.slug}"):
            messages.success(request, _("Payouts are set up."))
        else:
            messages.info(request, _("Payouts were already set up; nothing changed."))
        return redirect("shops:payout-offline", slug=shop.slug)
