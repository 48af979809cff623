from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommissionConfig(AppConfig):
    name = "marketplace.commission"
    label = "commission"
    verbose_name = _("Commission")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from . import listeners

        listeners.subscribe()
