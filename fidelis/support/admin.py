from django.contrib import admin

from fidelis.support.models import Contact, SupportSettings


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["team", "happened_on", "mode", "minutes", "facilitator"]
    list_filter = ["mode"]
    date_hierarchy = "happened_on"
    raw_id_fields = ["team", "facilitator", "goals", "items", "follow_ups"]


@admin.register(SupportSettings)
class SupportSettingsAdmin(admin.ModelAdmin):
    list_display = ["programme", "weekly_sessions", "session_hours"]
