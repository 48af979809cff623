"""Plain Oscar on the marketplace's database: Oscar's stock apps, views and templates.

The baseline of `python -m benchmarks catalogue`: the same products, categories and stock
records, served by Oscar's own catalogue (Haystack, simple backend: Oscar's default without a
search server), product page and search, with none of our forks, templates or storefront.
"""

from marketplace.settings.base import *  # noqa: F403

DEBUG = False
OURS = {
    "marketplace.oscar_apps.partner.apps.PartnerConfig": "oscar.apps.partner.apps.PartnerConfig",
    "marketplace.oscar_apps.search.apps.SearchConfig": "oscar.apps.search.apps.SearchConfig",
}
INSTALLED_APPS = [
    OURS.get(app, app)
    for app in INSTALLED_APPS  # noqa: F405
    if app != "marketplace.storefront.apps.StorefrontConfig"
]
ROOT_URLCONF = "benchmarks.plain_oscar_urls"
OSCAR_HOMEPAGE = "/catalogue/"
TEMPLATES = [
    {
        **TEMPLATES[0],  # noqa: F405
        "DIRS": [],  # Oscar's own templates only
        "OPTIONS": {
            "context_processors": [
                processor
                for processor in TEMPLATES[0]["OPTIONS"]["context_processors"]  # noqa: F405
                if not processor.startswith("marketplace.")
            ]
            # Oscar's header shows the unread count; our layout does not, so base drops it.
            + ["oscar.apps.communication.notifications.context_processors.notifications"]
        },
    }
]
# Django's and Oscar's own middleware where the storefront replaces them (its app, which
# keeps their caches in step, is not installed here).
STOCK_MIDDLEWARE = {
    "marketplace.storefront.signed_in_user.CachedUserMiddleware": (
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    ),
    "marketplace.storefront.basket_middleware.BasketMiddleware": (
        "oscar.apps.basket.middleware.BasketMiddleware"
    ),
}
MIDDLEWARE = [
    "benchmarks.query_count.QueryCountMiddleware",
    *(STOCK_MIDDLEWARE.get(m, m) for m in MIDDLEWARE),  # noqa: F405
]
