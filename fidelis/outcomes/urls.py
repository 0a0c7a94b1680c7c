from django.urls import path

from fidelis.outcomes import views

urlpatterns = [
    path("programmes/<slug:slug>/outcomes/", views.programme_outcomes, name="programme_outcomes"),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/measures/",
        views.team_measures,
        name="team_measures",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/measures/<int:measure_id>/rebase/",
        views.rebase_new,
        name="measure_rebase",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/rebases/<int:rebase_id>/remove/",
        views.rebase_remove,
        name="measure_rebase_remove",
    ),
]
