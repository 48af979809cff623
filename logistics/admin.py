"""Centre management edits delivery rules, zones, slots, the hub and couriers here."""

from django.contrib import admin

from .models import (
    Courier,
    CourierShift,
    DeliverySettings,
    DeliverySlot,
    DeliveryZone,
    Fulfilment,
    Hub,
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
    list_display = ["__str__", "vehicle", "capacity_parcels", "is_active"]
    inlines = [CourierShiftInline]


admin.site.register(Hub)


@admin.register(Fulfilment)
class FulfilmentAdmin(admin.ModelAdmin):
    list_display = ["order", "shop", "method", "status", "placed_at"]
    list_filter = ["status", "method"]
    readonly_fields = [f.name for f in Fulfilment._meta.fields]

    def has_add_permission(self, request):
        return False
