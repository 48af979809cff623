"""Centre management: review shops' events and news, and see what the channels are used for."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.staff import StaffOnlyMixin

from . import selectors, services
from .models import ApiPartner, Channel, ChannelUse, Event, EventView, NewsItem

MODELS = {"event": Event, "news": NewsItem}
REPORT_DAYS = 30


class ReviewListView(StaffOnlyMixin, TemplateView):
    template_name = "localinfo/management_review.html"

    def get_context_data(self, **kwargs):
        events, news = selectors.items_waiting_for_review()
        return super().get_context_data(events=events, news=news, **kwargs)


class ReviewActionView(StaffOnlyMixin, View):
    """POST approve or reject; an item no longer waiting is left as it is."""

    def post(self, request, kind: str, pk: int, action: str):
        if kind not in MODELS or action not in ("approve", "reject"):
            raise Http404
        message = request.POST.get("message", "")[:1000]
        done = services.review_publication(
            MODELS[kind], pk=pk, approve=action == "approve", reviewer=request.user, message=message
        )
        if done:
            messages.success(request, _("Approved.") if action == "approve" else _("Rejected."))
        else:
            messages.info(request, _("This item was already reviewed; nothing changed."))
        return redirect("localinfo:management-review")


class ChannelReportView(StaffOnlyMixin, TemplateView):
    """API, widget and feed requests per partner, and the most viewed events, last 30 days."""

    template_name = "localinfo/management_report.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        since = today - timedelta(days=REPORT_DAYS - 1)
        names = dict(ApiPartner.objects.values_list("key", "name"))
        uses = (
            ChannelUse.objects.filter(day__gte=since)
            .values("partner_key", "channel")
            .annotate(total=Sum("requests"))
            .order_by("-total", "partner_key", "channel")
        )
        rows = [
            {
                "partner": names.get(use["partner_key"]) or _("No partner named"),
                "channel": Channel(use["channel"]).label,
                "requests": use["total"],
            }
            for use in uses
        ]
        viewed = (
            EventView.objects.filter(day__gte=since)
            .values("event__title", "event__slug")
            .annotate(total=Sum("views"))
            .order_by("-total", "event__title")[:20]
        )
        return super().get_context_data(
            rows=rows, viewed=list(viewed), since=since, today=today, **kwargs
        )
