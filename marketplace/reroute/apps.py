from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RerouteConfig(AppConfig):
    name = "marketplace.reroute"
    label = "reroute"
    verbose_name = _("Second chance for refused lines")

    def ready(self):
        from . import listeners

        listeners.subscribe()
