from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrderingConfig(AppConfig):
    name = "marketplace.ordering"
    label = "ordering"
    verbose_name = _("Ordering")

    def ready(self):
        from oscar.apps.analytics.receivers import receive_order_placed
        from oscar.apps.order.signals import order_placed

        from . import listeners

        # Oscar counts purchases inside the order transaction, locking one row per product:
        # buyers of the same product would queue on it. We count after the commit instead.
        order_placed.disconnect(receive_order_placed)
        listeners.subscribe()
