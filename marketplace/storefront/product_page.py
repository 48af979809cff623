"""Oscar's product page, reading less: no transaction around it (it writes nothing in the
request but the outbox row of the view count), the product's class and photos with their
thumbnails loaded with the product, one template name instead of Oscar's three guesses
(per EAN, per class), and no stock-alert form or query (the page here offers no alerts)."""

from django.db.models import Prefetch
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model

from marketplace.thumbnails import with_thumbnails

from .views import ReadOnlyPageMixin

ProductImage = get_model("catalogue", "ProductImage")


class ProductDetailView(ReadOnlyPageMixin, OscarProductDetailView):
    template_name = "oscar/catalogue/detail.html"

    def get_queryset(self):
        images = with_thumbnails(ProductImage.objects.all(), "original")
        return (
            super()
            .get_queryset()
            .select_related("product_class", "parent__product_class")
            .prefetch_related(Prefetch("images", images))
        )

    def get_context_data(self, **kwargs):
        # Oscar's parent (DetailView), skipping Oscar's alert form and alert query.
        return super(OscarProductDetailView, self).get_context_data(**kwargs)
