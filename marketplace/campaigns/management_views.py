"""Centre management: the campaigns, a new one, and who takes part."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from marketplace.staff import StaffOnlyMixin

from . import editing, ending, selectors, services
from .forms import CampaignEditForm, CampaignForm
from .models import Campaign


class CampaignListView(StaffOnlyMixin, TemplateView):
    template_name = "campaigns/management_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaigns=selectors.campaigns_for_management(), **kwargs)


class CampaignCreateView(StaffOnlyMixin, FormView):
    template_name = "campaigns/management_form.html"
    form_class = CampaignForm

    def form_valid(self, form):
        try:
            campaign = services.create_campaign(terms=form.terms(), user=self.request.user)
        except services.Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
            return self.form_invalid(form)
        messages.success(self.request, _("Campaign “%(name)s” created.") % {"name": campaign.name})
        return redirect("campaigns:management-detail", pk=campaign.pk)


class CampaignEditView(StaffOnlyMixin, FormView):
    """Changes a campaign that has not started (editing.py says why no later)."""

    template_name = "campaigns/management_form.html"
    form_class = CampaignEditForm

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        if stage_of(self.campaign, timezone.now()) != "upcoming":
            messages.info(request, editing.STARTED)
            return redirect("campaigns:management-detail", pk=self.campaign.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "campaign": self.campaign}

    def get_context_data(self, **kwargs):
        return super().get_context_data(campaign=self.campaign, **kwargs)

    def form_valid(self, form):
        try:
            campaign = editing.edit_campaign(campaign_id=self.campaign.pk, terms=form.terms())
        except services.Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
            return self.form_invalid(form)
        messages.success(self.request, _("Campaign “%(name)s” saved.") % {"name": campaign.name})
        return redirect("campaigns:management-detail", pk=campaign.pk)


class CampaignDetailView(StaffOnlyMixin, TemplateView):
    template_name = "campaigns/management_detail.html"

    def get_context_data(self, **kwargs):
        campaign = get_object_or_404(Campaign, pk=self.kwargs["pk"])
        return super().get_context_data(
            campaign=campaign,
            shops=selectors.participating_shops(campaign=campaign),
            stage=stage_of(campaign, timezone.now()),
            **kwargs,
        )


def stage_of(campaign: Campaign, now) -> str:
    if campaign.ends_at <= now:
        return "ended"
    return "upcoming" if campaign.starts_at > now else "running"


class CampaignEndView(StaffOnlyMixin, View):
    """Ends a running campaign now, or withdraws one that has not started."""

    def post(self, request, pk):
        campaign = get_object_or_404(Campaign, pk=pk)
        try:
            ended = ending.end_campaign(campaign_id=campaign.pk)
        except services.Refused as refused:
            messages.error(request, str(refused))
            return redirect("campaigns:management-detail", pk=campaign.pk)
        if ended is None:
            messages.success(request, _("Campaign “%(name)s” withdrawn.") % {"name": campaign.name})
            return redirect("campaigns:management")
        messages.success(request, _("Campaign “%(name)s” ended.") % {"name": campaign.name})
        return redirect("campaigns:management-detail", pk=campaign.pk)
