"""OSCAR_DYNAMIC_CLASS_LOADER: Oscar's loader, with the storefront's Applicator for
offer.applicator (the basket middleware, basket views and checkout all get it through
get_class), its product page (storefront.product_page) and basket page
(storefront.basket_page). A module of its own: Oscar calls the loader while its modules
import."""

from oscar.core.loading import default_class_loader


def class_loader(module_label, classnames, module_prefix):
    classes = default_class_loader(module_label, classnames, module_prefix)
    if module_label == "offer.applicator":
        from oscar.apps.offer.applicator import Applicator as OscarApplicator

        from .offers import Applicator

        classes = [Applicator if cls is OscarApplicator else cls for cls in classes]
    if module_label == "catalogue.views" and "ProductDetailView" in classnames:
        from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView

        from .product_page import ProductDetailView

        classes = [ProductDetailView if cls is OscarProductDetailView else cls for cls in classes]
    if module_label == "basket.views" and "BasketView" in classnames:
        from oscar.apps.basket.views import BasketView as OscarBasketView

        from .basket_page import BasketView

        classes = [BasketView if cls is OscarBasketView else cls for cls in classes]
    return classes
