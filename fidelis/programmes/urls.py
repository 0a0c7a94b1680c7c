from django.urls import path

from fidelis.programmes import views

urlpatterns = [
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<slug:slug>/people/", views.people, name="people"),
    path("programmes/<slug:slug>/timepoints/", views.timepoints, name="timepoints"),
    path(
        "programmes/<slug:slug>/timepoints/<int:timepoint_id>/remove/",
        views.timepoint_delete,
        name="timepoint_delete",
    ),
    path("programmes/<slug:slug>/people/invite/", views.invite, name="invite"),
    path(
        "programmes/<slug:slug>/invitations/<int:invitation_id>/withdraw/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path(
        "programmes/<slug:slug>/organisations/new/",
        views.organisation_create,
        name="organisation_create",
    ),
    path(
        "programmes/<slug:slug>/organisations/<slug:org_slug>/",
        views.organisation_detail,
        name="organisation",
    ),
    path(
        "programmes/<slug:slug>/organisations/<slug:org_slug>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path("programmes/<slug:slug>/teams/new/", views.team_create, name="team_create"),
    path("programmes/<slug:slug>/teams/<slug:team_slug>/", views.team_detail, name="team"),
    path("programmes/<slug:slug>/teams/<slug:team_slug>/edit/", views.team_edit, name="team_edit"),
]
