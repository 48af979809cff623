from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from marketplace.thumbnails import with_thumbnails

from . import directory, jsonld, selectors
from .filters import DirectoryFilterForm
from .hours import schedule_for

# Shop hours are the town's wall-clock times, whatever zone the server or visitor is in.
SHOP_TIME_ZONE = ZoneInfo("Europe/Amsterdam")


def now() -> datetime:
    """The current moment; a function of its own so tests can fix the time."""
    return timezone.now()


def local_now() -> datetime:
    return timezone.localtime(now(), SHOP_TIME_ZONE)


def map_config() -> dict:
    """What static/shops/map.js needs besides the markers; no tile URL means no tile layer."""
    return {
        "tileUrl": getattr(settings, "MAP_TILE_URL", ""),
        "attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        "centre": [
            float(getattr(settings, "TOWN_CENTRE_LATITUDE", 52.2551)),
            float(getattr(settings, "TOWN_CENTRE_LONGITUDE", 6.1599)),
        ],
    }


class ShopListView(TemplateView):
    """All active shops on a list and a map, filtered by kind and "open now"."""

    template_name = "shops/shop_list.html"

    def get_context_data(self, **kwargs):
        moment = local_now()
        form = DirectoryFilterForm(self.request.GET or None)
        kind, open_now = form.filters()
        shops = selectors.shops_with_hours(first_day=moment.date(), last_day=moment.date())
        if kind:
            shops = shops.filter(kind=kind)
        found = directory.listings(shops, moment, open_now=open_now)
        return super().get_context_data(
            form=form,
            listings=found,
            shops=[listing.shop for listing in found],
            is_filtered=bool(kind or open_now),
            map_markers=directory.map_markers(found),
            map_config=map_config(),
            **kwargs,
        )


class ShopDetailView(ListView):
    """A shop's page: its profile and hours, then its products, paginated."""

    template_name = "shops/shop_detail.html"
    context_object_name = "offers"
    paginate_by = 24

    def get_queryset(self):
        self.moment = local_now()
        today = self.moment.date()
        shops = selectors.shops_with_hours(
            first_day=today, last_day=today + timedelta(days=jsonld.UPCOMING_DAYS)
        )
        self.shop = get_object_or_404(shops, slug=self.kwargs["slug"])
        return selectors.offers_for_shop(shop=self.shop)

    def get_context_data(self, **kwargs):
        shop, moment = self.shop, self.moment
        today = moment.date()
        schedule = schedule_for(shop)
        exceptions = list(shop.opening_exceptions.all())
        url = self.request.build_absolute_uri(shop.get_absolute_url())
        found = directory.listings([shop], moment)
        return super().get_context_data(
            shop=shop,
            status_text=directory.long_status(found[0].state, moment),
            is_open=found[0].state.is_open,
            week_rows=directory.week_rows(schedule, today),
            photos=with_thumbnails(shop.photos.all(), "image"),
            today_exception=next((e for e in exceptions if e.date == today), None),
            upcoming_exceptions=[e for e in exceptions if e.date > today],
            jsonld=jsonld.script_tag(jsonld.local_business(shop, url=url, today=today)),
            map_markers=directory.map_markers(found),
            map_config=map_config(),
            **kwargs,
        )
