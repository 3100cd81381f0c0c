from django.contrib import admin

from returns.models import Figure


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ["request", "period", "breakdown", "category", "status", "value"]
