from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from marketplace import description_cleaning, thumbnails
        from marketplace.site_domain import sync_site

        # After django.contrib.sites made its default row (it comes earlier in INSTALLED_APPS).
        post_migrate.connect(sync_site, sender=self, dispatch_uid="marketplace-sync-site")
        description_cleaning.connect()
        thumbnails.connect()
