from django.contrib import admin

from fidelis.programmes.models import (
    Invitation,
    Membership,
    Organisation,
    Programme,
    ReviewTimepoint,
    Team,
)


class TimepointInline(admin.TabularInline):
    model = ReviewTimepoint
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "start_date", "length_months", "scale", "named_benchmarking"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TimepointInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "ods_code"]
    list_filter = ["programme"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "pseudonym", "staff_count"]
    list_filter = ["organisation__programme"]
    search_fields = ["name", "pseudonym"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "programme", "organisation", "team"]
    list_filter = ["programme", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "programme", "created_at", "expires_at", "accepted_at"]
    list_filter = ["programme", "role"]
    readonly_fields = ["token"]
