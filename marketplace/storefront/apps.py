from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    """The consumer's pages: home, search, product listings; no models of its own."""

    name = "marketplace.storefront"
    label = "storefront"
    verbose_name = _("Storefront")

    def ready(self):
        from . import checks  # noqa: F401  (registers the branding check)
        from .analytics import swap_oscar_receivers
        from .offers import watch_offers
        from .signed_in_user import connect as watch_users
        from .work_areas import watch_work_areas

        swap_oscar_receivers()
        watch_offers()
        watch_users()
        watch_work_areas()
