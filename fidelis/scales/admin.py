from django.contrib import admin

from fidelis.scales.models import FidelityScale


@admin.register(FidelityScale)
class FidelityScaleAdmin(admin.ModelAdmin):
    """Scales are imported with `fidelis scale import`; here they can only be read."""

    list_display = ["name", "version", "slug", "demonstration", "imported_at"]
    readonly_fields = [
        "slug",
        "version",
        "name",
        "description",
        "citation",
        "licence",
        "demonstration",
        "data",
        "previous",
        "imported_at",
    ]

    def has_add_permission(self, request):
        return False
