"""Centre management keeps places, categories, partners and its own events and news here.

Events and news saved here count as written by management (approved at once) unless they
name a shop; shops write theirs in /shop/local/ and wait for review at /management/local/.
"""

from django.contrib import admin

from . import services
from .models import (
    ApiPartner,
    Category,
    Event,
    NewsItem,
    Place,
    PlaceHours,
    PlaceHoursException,
    ReviewStatus,
    ShopBrand,
)


class PlaceHoursInline(admin.TabularInline):
    model = PlaceHours
    extra = 0


class PlaceHoursExceptionInline(admin.TabularInline):
    model = PlaceHoursException
    extra = 0


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "street", "always_open", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["name", "street"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlaceHoursInline, PlaceHoursExceptionInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class PublicationAdmin(admin.ModelAdmin):
    list_filter = ["status", "category"]
    search_fields = ["title"]
    readonly_fields = ["shop", "status", "reviewed_by", "review_message"]
    exclude = ["slug"]

    def save_model(self, request, obj, form, change):
        if obj.shop_id:  # a shop's item edited by management stays the shop's and reviewed
            obj.status = ReviewStatus.APPROVED
            obj.reviewed_by = request.user
            obj.save()
        else:
            services.save_publication(obj, shop=None)


@admin.register(Event)
class EventAdmin(PublicationAdmin):
    list_display = ["title", "starts_at", "recurrence", "status", "shop"]


@admin.register(NewsItem)
class NewsItemAdmin(PublicationAdmin):
    list_display = ["title", "published_at", "status", "shop"]


@admin.register(ApiPartner)
class ApiPartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "website"]


@admin.register(ShopBrand)
class ShopBrandAdmin(admin.ModelAdmin):
    list_display = ["name", "shop"]
    search_fields = ["name"]
