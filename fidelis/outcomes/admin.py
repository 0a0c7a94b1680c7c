from django.contrib import admin

from fidelis.outcomes.models import Measure, MeasureValue, Rebase


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "unit", "direction", "target"]
    list_filter = ["programme"]


@admin.register(MeasureValue)
class MeasureValueAdmin(admin.ModelAdmin):
    list_display = ["team", "measure", "period", "value"]
    list_filter = ["measure__programme", "measure"]
    raw_id_fields = ["team"]


@admin.register(Rebase)
class RebaseAdmin(admin.ModelAdmin):
    list_display = ["team", "measure", "period", "reason", "created_by"]
    raw_id_fields = ["team"]
