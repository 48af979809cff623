"""Public side of onboarding: the application form, and the offline gateway's payout page."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from . import services
from .models import Shop
from .onboarding_forms import ApplicationForm, to_application, week_forms

APPLY_TEMPLATE = "shops/onboarding/apply.html"


class ApplyView(View):
    def get(self, request):
        return self.show(request, ApplicationForm(), week_forms())

    def post(self, request):
        form, days = ApplicationForm(request.POST), week_forms(request.POST)
        valid = form.is_valid() & all([day.is_valid() for day in days])  # validate every row
        if valid and not any(day.period() for day in days):
            form.add_error(None, _("Tick at least one day on which the shop is open."))
            valid = False
        if not valid:
            return self.show(request, form, days, status=400)
        try:
            services.submit_application(application=to_application(form, days))
        except services.ApplicationRefused as refused:
            form.add_error(refused.field, refused.message)
            return self.show(request, form, days, status=400)
        return redirect("shops:apply-done")

    def show(self, request, form, days, status=200):
        context = {"form": form, "days": days, "examples": earnings_examples()}
        return render(request, APPLY_TEMPLATE, context, status=status)


EXAMPLE_PRICES = [Decimal("10.00"), Decimal("25.00"), Decimal("50.00"), Decimal("100.00")]


def earnings_examples() -> list[tuple[Decimal, Decimal]]:
    """What a shop keeps of a sale under the default plan, before it joins."""
    from marketplace.commission.fees import what_shop_keeps
    from marketplace.commission.models import CommissionPlan
    from marketplace.commission.services import terms_of

    from .catalogue_services import CARD_FEE_FIXED, CARD_FEE_PERCENTAGE

    terms = terms_of(CommissionPlan.objects.filter(is_default=True).first())
    return [
        (
            price,
            what_shop_keeps(
                terms=terms,
                price_incl_vat=price,
                category_path=(),
                card_fee_percentage=CARD_FEE_PERCENTAGE,
                card_fee_fixed=CARD_FEE_FIXED,
            ),
        )
        for price in EXAMPLE_PRICES
    ]


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
