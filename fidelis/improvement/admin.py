from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fidelis.improvement.models import Action, Goal, GroupMember, Plan, PlanSettings


@admin.register(PlanSettings)
class PlanSettingsAdmin(admin.ModelAdmin):
    list_display = ["programme", "monthly_hours_warning", "stalled_after_weeks"]


@admin.register(GroupMember)
class GroupMemberAdmin(admin.ModelAdmin):
    list_display = ["team", "display_name", "role"]
    list_select_related = ["team", "user"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["team", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    list_select_related = ["team"]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan"]
    list_select_related = ["plan__team"]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["owner", "goal"]
