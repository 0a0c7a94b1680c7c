from django.apps import AppConfig


class ScalesConfig(AppConfig):
    name = "fidelis.scales"
    label = "scales"
    verbose_name = "Fidelity scales"
