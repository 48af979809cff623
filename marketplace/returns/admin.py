from django.contrib import admin

from .models import WithdrawalExclusion


@admin.register(WithdrawalExclusion)
class WithdrawalExclusionAdmin(admin.ModelAdmin):
    list_display = ["category", "reason"]
