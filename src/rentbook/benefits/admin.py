"""Administration: the DHP fund of each rent year (the budget the indicator measures against)."""

from __future__ import annotations

from django.contrib import admin

from rentbook.benefits.models import DhpFund


@admin.register(DhpFund)
class DhpFundAdmin(admin.ModelAdmin):
    list_display = ("year_start", "budget")
