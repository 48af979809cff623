"""The embeddable widget: a small page partner sites show in an iframe (or let
static/localinfo/embed.js insert), with the shops open now or the upcoming events, in the
town's colours. Only this page may be framed by other sites (frame-ancestors *)."""

from datetime import timedelta

from csp.decorators import csp_replace
from django.conf import settings
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.generic import TemplateView

from marketplace.storefront import shop_facts
from shops.directory import listings
from shops.selectors import shops_with_hours

from . import selectors, services
from .models import Channel
from .occurrences import occurrences

SHOWS = ("shops", "events")
DEFAULT_LIMIT = 8
MAX_LIMIT = 30
EVENT_DAYS = 31


def limit_of(value: str | None) -> int:
    try:
        return max(1, min(MAX_LIMIT, int(value)))
    except (TypeError, ValueError):
        return DEFAULT_LIMIT


@method_decorator(xframe_options_exempt, name="dispatch")
@method_decorator(csp_replace({"frame-ancestors": ["*"]}), name="dispatch")
class WidgetView(TemplateView):
    template_name = "localinfo/widget.html"

    def get_context_data(self, **kwargs):
        now = shop_facts.local_now()
        show = self.request.GET.get("show")
        show = show if show in SHOWS else "events"
        limit = limit_of(self.request.GET.get("limit"))
        services.count_use(
            channel=Channel.WIDGET,
            partner_key=(self.request.GET.get("partner") or "").strip(),
            day=now.date(),
        )
        context = {"show": show, "site_url": settings.SITE_URL.rstrip("/")}
        if show == "shops":
            shops = shops_with_hours(first_day=now.date(), last_day=now.date())
            context["open_shops"] = [listing for listing in listings(shops, now, open_now=True)][
                :limit
            ]
        else:
            until = now + timedelta(days=EVENT_DAYS)
            events = selectors.events_overlapping(since=now, until=until)
            context["events"] = occurrences(events, since=now, until=until)[:limit]
        return super().get_context_data(**context, **kwargs)
