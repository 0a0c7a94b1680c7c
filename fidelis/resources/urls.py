from django.urls import path

from fidelis.resources import views

urlpatterns = [
    path("resources/", views.library_start, name="library_start"),
    path("programmes/<slug:slug>/resources/", views.library, name="library"),
    path("programmes/<slug:slug>/resources/add/", views.resource_new, name="resource_new"),
    path("programmes/<slug:slug>/resources/share/", views.resource_share, name="resource_share"),
    path(
        "programmes/<slug:slug>/resources/awaiting-approval/",
        views.approvals,
        name="resource_approvals",
    ),
    path("programmes/<slug:slug>/resources/usage/", views.usage_page, name="resource_usage"),
    path("programmes/<slug:slug>/resources/usage.csv", views.usage_csv, name="resource_usage_csv"),
    path("resources/<int:resource_id>/", views.resource, name="resource"),
    path("resources/<int:resource_id>/file/", views.resource_file, name="resource_file"),
    path("resources/<int:resource_id>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:resource_id>/remove/", views.resource_remove, name="resource_remove"),
    path("resources/<int:resource_id>/decide/", views.resource_decide, name="resource_decide"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open,
        name="notification_open",
    ),
    path("notifications/settings/", views.reminder_settings, name="reminder_settings"),
]
