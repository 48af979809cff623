"""Catalogue browsing straight from the database.

Oscar's own browse views read a Haystack index, which the marketplace does not run: the
catalogue must show what the shops have right after a stock or product change. Each product
comes with the shops that sell it (marketplace.storefront.listings), in a fixed number of
queries whatever the page size.
"""

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from marketplace.catalogue_selectors import products_for_storefront
from marketplace.storefront.categories import categories_for_storefront
from marketplace.storefront.shop_facts import shop_facts_for_storefront
from marketplace.storefront.views import ReadOnlyPageMixin, paginated_listings

Category = get_model("catalogue", "Category")


class CatalogueView(ReadOnlyPageMixin, TemplateView):
    template_name = "oscar/catalogue/browse.html"

    def get_queryset(self):
        return products_for_storefront()

    def count_key(self) -> str:
        """What get_queryset's query is made of (the paginator's cached count)."""
        return "catalogue"

    def get_context_data(self, **kwargs):
        facts = shop_facts_for_storefront()
        page, listings = paginated_listings(
            self.get_queryset(), self.request, facts, count_key=self.count_key()
        )
        kwargs.setdefault("summary", _("All products"))
        return super().get_context_data(
            page_obj=page,
            paginator=page.paginator,
            products=page.object_list,
            listings=listings,
            categories=getattr(self, "entries", None) or categories_for_storefront(),
            **kwargs,
        )


class ProductCategoryView(CatalogueView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=self.kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404()
        # The cached public tree has the category's URL and its ancestors (Oscar's
        # get_absolute_url and get_ancestors ask the database). Anything else (a category
        # only staff see, a tree cached before a rename) takes Oscar's way.
        entries = categories_for_storefront()
        entry = next((e for e in entries if e.pk == self.category.pk), None)
        self.entries = entries
        if entry is not None and entry.path == self.category.path and entry.url == request.path:
            url = entry.url
            self.ancestors = [
                e for e in entries if e.depth < entry.depth and entry.path.startswith(e.path)
            ]
        else:
            url = self.category.get_absolute_url()
            self.ancestors = [
                {"name": a.name, "url": a.get_absolute_url()} for a in self.category.get_ancestors()
            ]
        if url != request.path:
            return HttpResponsePermanentRedirect(url)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return products_for_storefront(category=self.category)

    def count_key(self) -> str:
        return f"catalogue:{self.category.path}"

    def get_context_data(self, **kwargs):
        entries = self.entries
        children = [
            entry
            for entry in entries
            if entry.depth == self.category.depth + 1 and entry.path.startswith(self.category.path)
        ]
        return super().get_context_data(
            category=self.category,
            ancestors=self.ancestors,
            summary=self.category.name,
            subcategories=children,
            **kwargs,
        )
