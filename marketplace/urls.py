from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from marketplace.language_urls import set_language
from marketplace.management_home import ManagementHomeView
from marketplace.observability.views import metrics

urlpatterns = [
    path("metrics", metrics, name="metrics"),  # Prometheus; token or allow-list
    # Django's language switch, landing on the page's address in the chosen language.
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/pos/", include("inventory_sync.api_urls")),
    path("api/local/", include("localinfo.api_urls")),
    # Legal pages, the consumer's own data, receipts (before the areas they sit in).
    path("", include("legal.urls")),
    path("shops/", include("marketplace.shop_area.public_urls")),
    path("", include("marketplace.giftcards.urls")),  # /giftcard/, /shop/ and /management/
    path("", include("marketplace.community.urls")),  # /my-town/, /shop/news/, /management/reviews/
    path("shop/stock/", include("inventory_sync.shop_urls")),
    path("shop/reports/", include("marketplace.reports.shop_urls")),
    path("shop/returns/", include("marketplace.returns.shop_urls")),
    path("management/returns/", include("marketplace.returns.management_urls")),
    path("shop/", include("marketplace.shop_area.urls")),
    path("management/", ManagementHomeView.as_view(), name="management-home"),
    path("management/shops/", include("shops.management_urls")),
    path("management/routes/", include("logistics.management_urls")),
    path("management/reports/", include("marketplace.reports.urls")),
    path("", include("marketplace.campaigns.urls")),  # /management/campaigns/, /shop/campaigns/
    path("management/payments/", include("marketplace.payments.management_urls")),
    path("courier/", include("logistics.courier_urls")),
    # Local information: what's on, events, news, feeds, widget, open data, sitemap, robots.
    path("", include("localinfo.urls")),
    path("", include("marketplace.payments.urls")),
    path("", include("marketplace.storefront.urls")),
    path("", include("marketplace.ordering.urls")),
    path("", include("marketplace.reroute.urls")),
    path("", include("marketplace.returns.urls")),
    # Sign-in, registration and password reset, guarded; the same addresses as Oscar's.
    path("", include("marketplace.customer.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "marketplace.error_pages.server_error"
