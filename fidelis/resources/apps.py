from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "fidelis.resources"
    label = "resources"
    verbose_name = "Resources and reminders"
