from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GiftCardsConfig(AppConfig):
    name = "marketplace.giftcards"
    label = "giftcards"
    verbose_name = _("City gift cards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import listeners

        listeners.subscribe()
