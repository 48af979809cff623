from django.contrib import admin

from .models import LegalPage, Receipt, ShopTerms


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["kind", "title_nl", "title_en", "updated_at"]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(ShopTerms)
class ShopTermsAdmin(admin.ModelAdmin):
    list_display = ["shop", "updated_at"]


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ["shop", "number", "part", "issued_at"]
    readonly_fields = ["shop", "number", "part", "issued_at", "content"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
