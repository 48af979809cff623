"""POS connections for centre management: status and health, secrets only masked.

The encrypted secrets, the signing secret and the push token's hash are not fields of this
admin at all, so no list, form or history entry can show them (issue 15).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import PosConnection


@admin.register(PosConnection)
class PosConnectionAdmin(admin.ModelAdmin):
    list_display = ("shop", "kind", "status", "last_synced_at", "signing_secret_masked")
    list_filter = ("kind", "status")
    search_fields = ("shop__partner__name",)
    fields = (
        "shop",
        "kind",
        "status",
        "settings",
        "signing_secret_masked",
        "secrets_masked",
        "push_token_masked",
        "last_event_at",
        "last_full_sync_at",
        "last_error",
        "last_error_at",
        "failures",
        "backoff_until",
        "next_poll_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # a connection is made by its shop, with secrets the shop enters

    @admin.display(description=_("signing secret"))
    def signing_secret_masked(self, connection):
        return connection.masked_signing_secret

    @admin.display(description=_("secrets"))
    def secrets_masked(self, connection):
        return ", ".join(f"{label}: {value}" for label, value in connection.masked_secrets.items())

    @admin.display(description=_("push token"))
    def push_token_masked(self, connection):
        return connection.masked_push_token
