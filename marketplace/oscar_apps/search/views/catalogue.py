"""Catalogue browsing straight from the database.

Oscar's own browse views read a Haystack index, which the marketplace does not run: the
catalogue must show what the shops have right after a stock or product change.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.core.loading import get_model

from marketplace.catalogue_selectors import products_for_storefront

Category = get_model("catalogue", "Category")


class CatalogueView(ListView):
    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            messages.error(request, _("The given page number was invalid."))
            return redirect("catalogue:index")

    def get_queryset(self):
        return products_for_storefront()

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=_("All products"), **kwargs)


class ProductCategoryView(CatalogueView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=self.kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404()
        if self.category.get_absolute_url() != request.path:
            return HttpResponsePermanentRedirect(self.category.get_absolute_url())
        try:
            return ListView.get(self, request, *args, **kwargs)
        except Http404:
            messages.error(request, _("The given page number was invalid."))
            return redirect(self.category.get_absolute_url())

    def get_queryset(self):
        return products_for_storefront(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)
