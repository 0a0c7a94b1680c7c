from django.urls import path

from fidelis.support import views

urlpatterns = [
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/facilitation/",
        views.team_support,
        name="team_support",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/facilitation/log/",
        views.contact_new,
        name="support_contact_new",
    ),
    path("programmes/<slug:slug>/log-a-contact/", views.log_contact_start, name="support_log"),
    path("programmes/<slug:slug>/caseload/", views.my_caseload, name="support_caseload"),
    path("programmes/<slug:slug>/caseloads/", views.caseloads, name="support_caseloads"),
    path(
        "programmes/<slug:slug>/caseloads/dose/",
        views.support_settings,
        name="support_settings",
    ),
    path(
        "programmes/<slug:slug>/caseloads/<int:person_id>/",
        views.facilitator_caseload,
        name="support_facilitator_caseload",
    ),
    path("facilitation/contacts/<int:contact_id>/", views.contact, name="support_contact"),
    path(
        "facilitation/contacts/<int:contact_id>/edit/",
        views.contact_edit,
        name="support_contact_edit",
    ),
    path(
        "facilitation/contacts/<int:contact_id>/remove/",
        views.contact_remove,
        name="support_contact_remove",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/meetings/",
        views.team_meetings,
        name="team_meetings",
    ),
    path(
        "programmes/<slug:slug>/teams/<slug:team_slug>/meetings/new/",
        views.meeting_new,
        name="support_meeting_new",
    ),
    path("facilitation/meetings/<int:meeting_id>/", views.meeting, name="support_meeting"),
    path(
        "facilitation/meetings/<int:meeting_id>/edit/",
        views.meeting_edit,
        name="support_meeting_edit",
    ),
    path(
        "facilitation/meetings/<int:meeting_id>/remove/",
        views.meeting_remove,
        name="support_meeting_remove",
    ),
    path(
        "facilitation/meetings/<int:meeting_id>/meeting.ics",
        views.meeting_ics,
        name="support_meeting_ics",
    ),
    path("programmes/<slug:slug>/events/", views.events, name="support_events"),
    path("programmes/<slug:slug>/events/new/", views.event_new, name="support_event_new"),
    path("events/<int:event_id>/", views.event, name="support_event"),
    path("events/<int:event_id>/edit/", views.event_edit, name="support_event_edit"),
    path("events/<int:event_id>/register/", views.event_register, name="support_event_register"),
    path("events/<int:event_id>/invitees/", views.event_invitees, name="support_event_invitees"),
    path(
        "events/<int:event_id>/attendance/",
        views.event_attendance,
        name="support_event_attendance",
    ),
    path("events/<int:event_id>/event.ics", views.event_ics, name="support_event_ics"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="support_event_cancel"),
    path(
        "events/<int:event_id>/files/<int:file_id>/",
        views.event_file,
        name="support_event_file",
    ),
    path(
        "events/<int:event_id>/files/<int:file_id>/remove/",
        views.event_file_remove,
        name="support_event_file_remove",
    ),
]
