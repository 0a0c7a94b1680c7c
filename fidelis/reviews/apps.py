from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "fidelis.reviews"
    label = "reviews"
    verbose_name = "Fidelity reviews"
