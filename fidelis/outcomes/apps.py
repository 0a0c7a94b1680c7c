from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "fidelis.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
