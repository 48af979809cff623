"""Read-mostly admin views for support: events that wait or failed, transfers, accounts."""

from django.contrib import admin

from .models import PayoutAccount, Transfer, TransferReversal, WebhookEvent


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "status", "attempts", "next_attempt_at", "received_at"]
    list_filter = ["status", "type"]
    search_fields = ["event_id"]
    # Handling goes through the payment events page, which records who and when.
    readonly_fields = [
        "event_id", "type", "payload", "received_at", "applied_at",
        "handled_by", "handled_at", "handled_note",
    ]  # fmt: skip


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin):
    list_display = ["idempotency_key", "shop", "amount", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    readonly_fields = ["payout", "shop", "amount", "transfer_group", "idempotency_key"]


@admin.register(TransferReversal)
class TransferReversalAdmin(admin.ModelAdmin):
    list_display = ["idempotency_key", "transfer", "amount", "reference"]
    readonly_fields = ["transfer", "refund", "amount", "idempotency_key"]


@admin.register(PayoutAccount)
class PayoutAccountAdmin(admin.ModelAdmin):
    list_display = ["shop", "account_id", "transfers_active", "payouts_enabled", "updated_at"]
