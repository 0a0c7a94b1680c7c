from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "fidelis.improvement"
    label = "improvement"
    verbose_name = "Service improvement plans"
