from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventorySyncConfig(AppConfig):
    name = "inventory_sync"
    verbose_name = _("Inventory sync")
    default_auto_field = "django.db.models.AutoField"
