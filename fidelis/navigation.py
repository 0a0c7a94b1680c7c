"""The header's navigation links for the signed-in user."""

from django.urls import reverse

from fidelis.programmes import access
from fidelis.programmes.models import Programme


def navigation(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = [{"text": "Home", "href": reverse("home")}]
    programmes = list(Programme.objects.visible_to(user).only("slug", "name")[:3])
    for programme in programmes:
        items.append(
            {
                "text": programme.name if len(programmes) > 1 else "Programme",
                "href": programme.get_absolute_url(),
            }
        )
        if access.can_manage_programme(user, programme):
            items.append({"text": "People", "href": reverse("people", args=[programme.slug])})
    items.append({"text": "Reviews", "href": reverse("review_list")})
    items.append({"text": "Fidelity scales", "href": reverse("scale_list")})
    path = request.path
    for item in items:
        item["current"] = item["href"] == path
    return items
