"""Oscar's product page, reading less: no transaction around it (it writes nothing in the
request but the outbox row of the view count), the product's class and photos with their
thumbnails loaded with the product, one template name instead of Oscar's three guesses
(per EAN, per class), and no stock-alert form or query (the page here offers no alerts).

The breadcrumb's category is Oscar's `product.get_categories.first` (the product's, or its
parent's, first browsable category in tree order): its id comes with the product's own
query and its name and URL from the cached category tree (categories.py), where the
template asked for the category and then for its URL."""

from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model

from marketplace.thumbnails import with_thumbnails

from . import categories as catalogue_tree
from .views import ReadOnlyPageMixin

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")


def first_category_id() -> Subquery:
    """The id of the product's first browsable category (Oscar's get_categories.first)."""
    links = ProductCategory.objects.filter(
        product_id=Coalesce(OuterRef("parent_id"), OuterRef("pk")),
        category__is_public=True,
        category__ancestors_are_public=True,
    ).order_by("category__path")
    return Subquery(links.values("category_id")[:1])


def breadcrumb_category(category_id):
    """The category's entry of the cached tree (name, url); a category younger than the
    cached tree is read from the database."""
    if category_id is None:
        return None
    for entry in catalogue_tree.categories_for_storefront():
        if entry.pk == category_id:
            return entry
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        return None
    return catalogue_tree.CategoryEntry(
        pk=category.pk,
        path=category.path,
        depth=category.depth,
        name=category.name,
        url=category.get_absolute_url(),
    )


class ProductDetailView(ReadOnlyPageMixin, OscarProductDetailView):
    template_name = "oscar/catalogue/detail.html"

    def get_queryset(self):
        images = with_thumbnails(ProductImage.objects.all(), "original")
        return (
            super()
            .get_queryset()
            .select_related("product_class", "parent__product_class")
            .prefetch_related(Prefetch("images", images))
            .annotate(breadcrumb_category_id=first_category_id())
        )

    def get_context_data(self, **kwargs):
        # Oscar's parent (DetailView), skipping Oscar's alert form and alert query.
        context = super(OscarProductDetailView, self).get_context_data(**kwargs)
        context["breadcrumb_category"] = breadcrumb_category(
            getattr(self.object, "breadcrumb_category_id", None)
        )
        return context
