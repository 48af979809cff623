from django.contrib import admin

from .models import CategoryRate, CommissionPlan


class CategoryRateInline(admin.TabularInline):
    model = CategoryRate
    extra = 1


@admin.register(CommissionPlan)
class CommissionPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "percentage", "fixed_fee_per_part", "is_default"]
    inlines = [CategoryRateInline]
