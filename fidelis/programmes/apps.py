from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "fidelis.programmes"
    label = "programmes"
    verbose_name = "Programmes"
