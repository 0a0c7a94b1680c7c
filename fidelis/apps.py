from django.apps import AppConfig


class FidelisConfig(AppConfig):
    """The project level as a Django app: the commands that compose every app (`fidelis
    demo`, `fidelis seed`) and the static files. It has no models."""

    name = "fidelis"
    label = "fidelis"
    verbose_name = "Fidelis"
