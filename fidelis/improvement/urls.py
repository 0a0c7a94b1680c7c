from django.urls import path

from fidelis.improvement import views

urlpatterns = [
    path("programmes/<slug:slug>/teams/<slug:team_slug>/plan/", views.team_plan, name="team_plan"),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/plan/start/",
        views.plan_start,
        name="plan_start",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/plan/group/",
        views.group,
        name="plan_group",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/plan/group/<int:member_id>/remove/",
        views.group_remove,
        name="plan_group_remove",
    ),
    path("plans/my-actions/", views.my_actions, name="my_actions"),
    path("programmes/<slug:slug>/plans/", views.plans_overview, name="plans_overview"),
    path("programmes/<slug:slug>/plans/settings/", views.plan_settings, name="plan_settings"),
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/goals/new/", views.goal_new, name="plan_goal_new"),
    path("plans/<int:plan_id>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:plan_id>/sign-off/", views.plan_sign_off, name="plan_sign_off"),
    path("plans/<int:plan_id>/history/", views.plan_history, name="plan_history"),
    path("plans/<int:plan_id>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:plan_id>/actions.<str:fmt>", views.plan_export, name="plan_export"),
    path("plans/<int:plan_id>/close/", views.plan_close, name="plan_close"),
    path("plans/goals/<int:goal_id>/", views.goal_edit, name="plan_goal_edit"),
    path("plans/goals/<int:goal_id>/outcome/", views.goal_outcome, name="plan_goal_outcome"),
    path("plans/goals/<int:goal_id>/remove/", views.goal_remove, name="plan_goal_remove"),
    path("plans/goals/<int:goal_id>/actions/new/", views.action_new, name="plan_action_new"),
    path("plans/actions/<int:action_id>/", views.action, name="plan_action"),
    path("plans/actions/<int:action_id>/edit/", views.action_edit, name="plan_action_edit"),
]
