"""The public read-only API of the town centre's local information (/api/local/).

Anyone may read it: no sign-in, CORS open for GET, throttled per address. Every list is
paginated. Every answer carries an ETag (a hash of its body) and a Last-Modified; a request
with a matching If-None-Match (or, without one, an If-Modified-Since not older than the
data) is answered 304 without a body. A partner may name itself (?partner=<key> or the
X-Partner header) so centre management sees its use.
"""

import hashlib
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from drf_spectacular.utils import OpenApiResponse, extend_schema
from oscar.core.loading import get_model
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from marketplace.storefront import shop_facts
from marketplace.storefront.listings import listings_for_products, with_offers
from marketplace.storefront.search import matching_text
from marketplace.throttling import client_ip
from shops.models import ShopKind, ShopPhoto
from shops.selectors import shops_with_hours

from . import api_filters as filters
from . import records, selectors, services
from .models import Channel, PlaceKind
from .occurrences import day_window, occurrences
from .serializers import (
    AvailabilitySerializer,
    EventSerializer,
    NewsSerializer,
    PlaceSerializer,
    ShopSerializer,
)

Product = get_model("catalogue", "Product")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match, "
    "If-Modified-Since, X-Partner",
    "Access-Control-Max-Age": "86400",
}


def local_now() -> datetime:
    return shop_facts.local_now()


class LocalApiThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, per client address (behind TRUSTED_PROXY_COUNT proxies),
    at THROTTLE_RATES["local_api_address"]; the cache down lets requests through."""

    scope = "local_api_address"

    def get_rate(self):
        return settings.THROTTLE_RATES[self.scope]

    def get_ident(self, request):
        return client_ip(request) or "unknown"


class LocalPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def partner_key(request) -> str:
    return (request.GET.get("partner") or request.headers.get("X-Partner") or "").strip()


class PublicApiView(APIView):
    """Read-only, public; counts its use, answers CORS and conditional requests."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LocalApiThrottle]
    pagination_class = LocalPagination
    filter_class: type[serializers.Serializer] | None = None
    # Open now depends on the clock: the data then changes at least every minute.
    changes_with_clock = False

    def filters(self, request, **options) -> dict:
        checked = self.filter_class(data=request.GET.dict(), **options)
        checked.is_valid(raise_exception=True)
        self.checked = checked
        return checked.validated_data

    def paginated(self, request, items: list, serializer_class, newest: datetime | None):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        self.newest = newest
        return paginator.get_paginated_response(serializer_class(page, many=True).data)

    def initial(self, request, *args, **kwargs):
        # Counted in the request's transaction: a refused request (400, 429) rolls its count
        # back with everything else, so the report counts answered requests.
        if request.method in ("GET", "HEAD"):
            services.count_use(
                channel=Channel.API, partner_key=partner_key(request), day=local_now().date()
            )
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        if request.method == "OPTIONS":
            for name, value in PREFLIGHT_HEADERS.items():
                response[name] = value
            return response
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        return self.conditional(request, response)

    def conditional(self, request, response):
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        modified = self.last_modified()
        response["ETag"] = etag
        response["Last-Modified"] = http_date(modified.timestamp())
        response["Cache-Control"] = "public, max-age=60"
        patch_vary_headers(response, ["Accept", "Accept-Language"])
        answer = get_conditional_response(
            request, etag=etag, last_modified=int(modified.timestamp()), response=response
        )
        if answer.status_code == 304:
            for name, value in CORS_HEADERS.items():
                answer[name] = value
        return answer

    def last_modified(self) -> datetime:
        newest = getattr(self, "newest", None) or datetime(2000, 1, 1, tzinfo=UTC)
        if self.changes_with_clock:
            minute = timezone.now().replace(second=0, microsecond=0)
            newest = max(newest, minute)
        return newest


def paged(serializer):
    return {
        200: serializer(many=True),
        400: OpenApiResponse(description="A query parameter is wrong; the answer names it."),
        304: OpenApiResponse(description="Not modified since the ETag or date you sent."),
        429: OpenApiResponse(description="Too many requests; see Retry-After."),
    }


class ShopListView(PublicApiView):
    filter_class = filters.PlaceFilter
    changes_with_clock = True

    @extend_schema(
        operation_id="local_shops",
        summary="The town centre's shops",
        description="Active shops with address, coordinates, weekly hours, exceptions for the"
        " next 30 days, open now, photos and brands carried.",
        parameters=[
            filters.parameter("kind", str, "One of: " + ", ".join(ShopKind.values)),
            *filters.NEAR_PARAMETERS,
            filters.PARTNER_PARAMETER,
        ],
        responses=paged(ShopSerializer),
        tags=["local"],
    )
    def get(self, request):
        wanted = self.filters(request, kinds=ShopKind.values)
        moment = local_now()
        shops = shops_with_hours(
            first_day=moment.date(),
            last_day=moment.date() + timedelta(days=records.EXCEPTION_DAYS),
        ).prefetch_related(
            Prefetch("photos", ShopPhoto.objects.order_by("display_order", "id")), "brands"
        )
        if wanted.get("kind"):
            shops = shops.filter(kind=wanted["kind"])
        found = [
            records.shop_record(shop, moment) for shop in shops if filters.is_near(shop, wanted)
        ]
        if wanted["open_now"]:
            found = [record for record in found if record["open_now"]]
        newest = shops.aggregate(newest=Max("updated_at"))["newest"]
        return self.paginated(request, found, ShopSerializer, newest)


class PlaceListView(PublicApiView):
    filter_class = filters.PlaceFilter
    changes_with_clock = True

    @extend_schema(
        operation_id="local_places",
        summary="Places that are not shops",
        description="Restaurants and cafés, culture, parking garages and bike parking (with"
        " tariffs and capacity), public toilets; hours, exceptions and open now.",
        parameters=[
            filters.parameter("kind", str, "One of: " + ", ".join(PlaceKind.values)),
            *filters.NEAR_PARAMETERS,
            filters.PARTNER_PARAMETER,
        ],
        responses=paged(PlaceSerializer),
        tags=["local"],
    )
    def get(self, request):
        wanted = self.filters(request, kinds=PlaceKind.values)
        moment = local_now()
        places = selectors.places_with_hours(
            first_day=moment.date(),
            last_day=moment.date() + timedelta(days=records.EXCEPTION_DAYS),
        )
        if wanted.get("kind"):
            places = places.filter(kind=wanted["kind"])
        found = [
            records.place_record(place, moment)
            for place in places
            if filters.is_near(place, wanted)
        ]
        if wanted["open_now"]:
            found = [record for record in found if record["open_now"]]
        newest = places.aggregate(newest=Max("updated_at"))["newest"]
        return self.paginated(request, found, PlaceSerializer, newest)


class EventListView(PublicApiView):
    filter_class = filters.DateRangeFilter

    @extend_schema(
        operation_id="local_events",
        summary="Events, one entry per occurrence",
        description="Approved events between two days (default: the next 31 days); a"
        " recurring event appears once for every time it takes place.",
        parameters=[*filters.DATE_PARAMETERS, filters.PARTNER_PARAMETER],
        responses=paged(EventSerializer),
        tags=["local"],
    )
    def get(self, request):
        wanted = self.filters(request)
        first, last = self.checked.window(local_now().date())
        since, until = day_window(first, last)
        events = selectors.events_overlapping(since=since, until=until)
        if wanted.get("category"):
            events = events.filter(category__slug=wanted["category"])
        found = [
            records.occurrence_record(o) for o in occurrences(events, since=since, until=until)
        ]
        newest = events.aggregate(newest=Max("updated_at"))["newest"]
        return self.paginated(request, found, EventSerializer, newest)


class NewsListView(PublicApiView):
    filter_class = filters.DateRangeFilter

    @extend_schema(
        operation_id="local_news",
        summary="News, newest first",
        description="Approved news published between two days (default: the last 31 days).",
        parameters=[*filters.DATE_PARAMETERS, filters.PARTNER_PARAMETER],
        responses=paged(NewsSerializer),
        tags=["local"],
    )
    def get(self, request):
        wanted = self.filters(request)
        now = timezone.now()
        today = local_now().date()
        first = wanted.get("from") or today - timedelta(days=filters.DEFAULT_DAYS - 1)
        last = wanted.get("to") or today
        since, until = day_window(first, last)
        news = selectors.public_news(now=now).filter(
            published_at__gte=since, published_at__lt=until
        )
        if wanted.get("category"):
            news = news.filter(category__slug=wanted["category"])
        newest = news.aggregate(newest=Max("updated_at"))["newest"]
        found = [records.news_record(item) for item in news]
        return self.paginated(request, found, NewsSerializer, newest)


class AvailabilityView(PublicApiView):
    filter_class = filters.AvailabilityFilter
    changes_with_clock = True

    @extend_schema(
        operation_id="local_availability",
        summary="Which shops have a product in stock now",
        description="By EAN (ean=) or by words (q=): public products with the active shops"
        " that have them in stock now (or whose stock is to be confirmed), the price incl."
        " VAT, whether the shop is open now and from when it can be picked up today.",
        parameters=[
            filters.parameter("ean", str, "An EAN-8, EAN-13 or GTIN-14."),
            filters.parameter("q", str, "Words to search in product names."),
            filters.parameter("open_now", bool, "Only shops open now."),
            filters.parameter("pickup_today", bool, "Only shops where it can be picked up today."),
            filters.PARTNER_PARAMETER,
        ],
        responses=paged(AvailabilitySerializer),
        tags=["local"],
    )
    def get(self, request):
        wanted = self.filters(request)
        facts = shop_facts.shop_facts_for_storefront()
        products = Product.objects.filter(is_public=True, stockrecords__partner_id__in=list(facts))
        if wanted.get("ean"):
            products = products.filter(upc=wanted["ean"]).order_by("id")
        else:
            products = matching_text(products, wanted["q"]).order_by("-rank", "title", "id")
        products = with_offers(products.distinct())
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(products, request, view=self)
        found = [
            availability_record(listing, wanted) for listing in listings_for_products(page, facts)
        ]
        self.newest = None
        return paginator.get_paginated_response(AvailabilitySerializer(found, many=True).data)


def availability_record(listing, wanted: dict) -> dict:
    offers = []
    for offer in listing.offers:
        if not (offer.available or offer.stale):
            continue
        if wanted["open_now"] and not offer.shop.open_now:
            continue
        if wanted["pickup_today"] and not offer.pickup_today_from:
            continue
        offers.append(
            {
                "shop": offer.shop.slug,
                "shop_name": offer.shop.name,
                "shop_url": records.absolute(offer.shop.url),
                "price": offer.price,
                "currency": settings.OSCAR_DEFAULT_CURRENCY,
                "in_stock": None if offer.stale else offer.available,
                "to_be_confirmed": offer.stale,
                "open_now": offer.shop.open_now,
                "pickup_today_from": offer.pickup_today_from,
            }
        )
    product = listing.product
    return {
        "ean": product.upc or None,
        "title": product.title,
        "url": records.absolute(product.get_absolute_url()),
        "offers": offers,
    }
