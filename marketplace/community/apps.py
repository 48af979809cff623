from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    """Reasons to come back (issue 21, point 4): "my town", favourite shops, back-in-stock
    alerts, reviews by buyers, and news from favourite shops. It sits on top of the domain
    packages: it reads them, and none of them imports it (pages reach it through template
    tags and includes)."""

    name = "marketplace.community"
    label = "community"
    verbose_name = _("My town")
    default_auto_field = "django.db.models.BigAutoField"
