"""The scales' part of the shared pages: a header link to the fidelity scales."""

from django.urls import reverse

from fidelis.pages import Link


def navigation(user) -> list[Link]:
    return [Link("Fidelity scales", reverse("scale_list"))]
