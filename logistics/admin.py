"""Centre management edits delivery rules, zones, slots, the hub and couriers here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    Courier,
    CourierShift,
    DeliveryProof,
    DeliverySettings,
    DeliverySlot,
    DeliveryZone,
    Hub,
    OrderPart,
    PostcodeArea,
)


@admin.register(DeliverySettings)
class DeliverySettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "fee_incl_vat", "free_from", "reservation_minutes"]

    def has_add_permission(self, request):
        return not DeliverySettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class PostcodeAreaInline(admin.TabularInline):
    model = PostcodeArea
    extra = 1


@admin.register(DeliveryZone)
class DeliveryZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "radius_metres"]
    inlines = [PostcodeAreaInline]


@admin.register(DeliverySlot)
class DeliverySlotAdmin(admin.ModelAdmin):
    list_display = ["date", "starts", "ends", "zone", "booked", "capacity", "cutoff"]
    list_filter = ["zone", "date"]
    readonly_fields = ["booked"]


class CourierShiftInline(admin.TabularInline):
    model = CourierShift
    extra = 0


@admin.register(Courier)
class CourierAdmin(admin.ModelAdmin):
    list_display = ["__str__", "vehicle", "capacity_parts", "is_active"]
    inlines = [CourierShiftInline]


admin.site.register(Hub)


@admin.register(OrderPart)
class OrderPartAdmin(admin.ModelAdmin):
    list_display = ["order", "shop", "method", "status", "placed_at"]
    list_filter = ["status", "method"]
    readonly_fields = [f.name for f in OrderPart._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DeliveryProof)
class DeliveryProofAdmin(admin.ModelAdmin):
    """Read-only: a proof is what the courier recorded at the door. The photo is shown
    through the permission-checked view (logistics.proof_views), like everywhere else."""

    list_display = ["part", "kind", "received_by", "courier", "created_at"]
    list_filter = ["kind"]
    search_fields = ["part__order__number", "received_by"]
    readonly_fields = [
        "part",
        "courier",
        "kind",
        "received_by",
        "note",
        "created_at",
        "photo_preview",
    ]
    exclude = ["photo"]

    @admin.display(description=_("photo"))
    def photo_preview(self, proof):
        if not proof.photo:
            return "-"
        url = reverse("courier:proof-photo", args=[proof.pk])
        return format_html('<a href="{0}"><img src="{0}" alt="" style="max-width:24rem"></a>', url)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
