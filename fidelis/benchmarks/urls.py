from django.urls import path

from fidelis.benchmarks import views

urlpatterns = [
    path(
        "programmes/<slug:slug>/dashboard/", views.programme_dashboard, name="programme_dashboard"
    ),
    path(
        "programmes/<slug:slug>/dashboard/scores-<str:kind>.<str:fmt>",
        views.programme_export,
        name="programme_export",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/dashboard/",
        views.team_dashboard,
        name="team_dashboard",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/dashboard.pdf",
        views.team_dashboard_pdf,
        name="team_dashboard_pdf",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/dashboard/scores-<str:kind>.<str:fmt>",
        views.team_export,
        name="team_export",
    ),
]
