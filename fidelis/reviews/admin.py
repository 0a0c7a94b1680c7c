from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fidelis.reviews.models import Amendment, PanelMember, Review


class PanelInline(admin.TabularInline):
    model = PanelMember
    extra = 0


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    """Read-mostly: reviews change through their pages, so blind rating, optimistic locking
    and amendments always apply."""

    list_display = ["team", "timepoint", "visit_date", "status"]
    list_filter = ["status", "timepoint__programme"]
    readonly_fields = [
        "team",
        "timepoint",
        "scale",
        "status",
        "finalised_at",
        "finalised_by",
        "report_version",
        "created_by",
        "created_at",
    ]
    inlines = [PanelInline]


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["review", "what", "made_by", "made_at"]
    readonly_fields = ["review", "item", "what", "before", "after", "reason", "made_by", "made_at"]
