"""The shop's campaigns page: open campaigns, and taking part or not until the start. A shop
sees and changes its own participation only (the shop comes from the signed-in user)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from shops.access import ShopMixin

from . import selectors, services
from .models import Campaign


class ShopCampaignsView(ShopMixin, TemplateView):
    template_name = "campaigns/shop_campaigns.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            shop=self.shop, campaigns=selectors.campaigns_for_shop(shop=self.shop), **kwargs
        )


class ShopParticipationView(ShopMixin, View):
    def post(self, request, pk):
        campaign = get_object_or_404(Campaign, pk=pk)
        joining = request.POST.get("action") == "join"
        try:
            if joining:
                services.opt_in(campaign=campaign, shop=self.shop)
                messages.success(
                    request, _("Your shop takes part in “%(name)s”.") % {"name": campaign.name}
                )
            else:
                services.opt_out(campaign=campaign, shop=self.shop)
                messages.success(
                    request,
                    _("Your shop no longer takes part in “%(name)s”.") % {"name": campaign.name},
                )
        except services.Refused as refused:
            messages.error(request, str(refused))
        return redirect("campaigns:shop")
