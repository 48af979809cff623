from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalInfoConfig(AppConfig):
    name = "localinfo"
    verbose_name = _("Local information")
    default_auto_field = "django.db.models.AutoField"
