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
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/measures/import/",
        views.team_import,
        name="team_import",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/measures/import/template.csv",
        views.team_import_template,
        name="team_import_template",
    ),
    path(
        "programmes/<slug:slug>/outcomes/import/", views.programme_import, name="programme_import"
    ),
    path(
        "programmes/<slug:slug>/outcomes/import/template.csv",
        views.programme_import_template,
        name="programme_import_template",
    ),
    path(
        "programmes/<slug:slug>/outcomes/fidelity/",
        views.fidelity_beside,
        name="fidelity_beside",
    ),
    path(
        "programmes/<slug:slug>/outcomes/fidelity.csv",
        views.fidelity_beside_csv,
        name="fidelity_beside_csv",
    ),
    path(
        "programmes/<slug:slug>/outcomes/measures/",
        views.programme_measures,
        name="programme_measures",
    ),
    path(
        "programmes/<slug:slug>/outcomes/measures/starter/",
        views.starter_measures,
        name="starter_measures",
    ),
    path("programmes/<slug:slug>/outcomes/measures/new/", views.measure_new, name="measure_new"),
    path(
        "programmes/<slug:slug>/outcomes/measures/<int:measure_id>/",
        views.measure_edit,
        name="measure_edit",
    ),
    path(
        "programmes/<slug:slug>/outcomes/measures/<int:measure_id>/remove/",
        views.measure_remove,
        name="measure_remove",
    ),
]
