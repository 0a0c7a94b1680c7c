"""The header's navigation: Home, then each app's links (settings.FIDELIS_NAVIGATION)."""

from django.urls import reverse

from fidelis.pages import Link, contributions


def navigation(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    links = [Link("Home", reverse("home"))]
    for contribute in contributions("FIDELIS_NAVIGATION"):
        links.extend(contribute(user))
    return [
        {"text": link.text, "href": link.href, "current": link.href == request.path}
        for link in links
    ]
