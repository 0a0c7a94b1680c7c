from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "fidelis.support"
    label = "support"
    verbose_name = "Facilitation and support"
