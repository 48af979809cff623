"""What search engines read: /sitemap.xml (an index of sections) and /robots.txt."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET
from oscar.core.loading import get_model

from marketplace.language_urls import in_language
from shops.selectors import shops_for_storefront

from . import selectors

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
PROTOCOL = settings.SITE_URL.split("://", 1)[0]


class LanguagePairs:
    """(item, language) for every item and language, read a page at a time: Django's i18n
    sitemap makes a list of all of them, which for 100,000 products is every row at once."""

    def __init__(self, items, codes):
        self.items, self.codes = items, codes

    def __len__(self):
        return self.items.count() * len(self.codes)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        per = len(self.codes)
        rows = self.items[start // per : -(-stop // per)]
        pairs = [(item, code) for item in rows for code in self.codes]
        return pairs[start % per : start % per + (stop - start)]


class StorefrontSitemap(Sitemap):
    """Each page once per language, with its other languages as hreflang alternates and the
    Dutch address as x-default (marketplace/language_urls.py)."""

    protocol = PROTOCOL
    limit = 10_000
    i18n = True
    alternates = True
    x_default = True

    def _items(self):
        return LanguagePairs(self.items(), self._languages())

    def location(self, item):
        return in_language(item.get_absolute_url(), translation.get_language())


class ShopSitemap(StorefrontSitemap):
    changefreq = "weekly"

    def items(self):
        return shops_for_storefront().order_by("slug")

    def lastmod(self, shop):
        return shop.updated_at


class ProductSitemap(StorefrontSitemap):
    """Public products that an active shop sells."""

    changefreq = "daily"

    def items(self):
        return (
            Product.objects.filter(is_public=True, stockrecords__partner__shop__status="active")
            .distinct()
            .only("id", "slug", "date_updated")
            .order_by("id")
        )

    def lastmod(self, product):
        return product.date_updated


class CategorySitemap(StorefrontSitemap):
    changefreq = "weekly"

    def items(self):
        return Category.objects.filter(is_public=True).order_by("path")


class EventSitemap(StorefrontSitemap):
    changefreq = "daily"

    def items(self):
        return selectors.public_events().order_by("id")

    def lastmod(self, event):
        return event.updated_at


class NewsSitemap(StorefrontSitemap):
    changefreq = "monthly"

    def items(self):
        from django.utils import timezone

        return selectors.public_news(now=timezone.now()).order_by("id")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "shops": ShopSitemap,
    "products": ProductSitemap,
    "categories": CategorySitemap,
    "events": EventSitemap,
    "news": NewsSitemap,
}

# Work areas, personal pages and the API are not for search engines.
DISALLOWED = (
    "/admin/",
    "/accounts/",
    "/api/",
    "/basket/",
    "/checkout/",
    "/courier/",
    "/dashboard/",
    "/management/",
    "/orders/",
    "/shop/",
    "/local/widget/",
)


@require_GET
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines.append(f"Sitemap: {settings.SITE_URL.rstrip('/')}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
