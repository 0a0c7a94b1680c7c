"""The signed-in home page, composed from every app's contribution.

Each function listed in settings.FIDELIS_HOME adds to the page in turn: the programmes'
part makes a section for each role the user holds, and later apps add their next steps,
facts and links to those sections.
"""

from django.shortcuts import render
from django.utils import timezone

from fidelis.pages import HomePage, contributions


def build_home(user) -> HomePage:
    page = HomePage(user=user, today=timezone.localdate())
    for contribute in contributions("FIDELIS_HOME"):
        contribute(page)
    return page


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_public.jinja")
    return render(request, "home.jinja", {"sections": build_home(request.user).sections})


def static_page(request, page):
    """About, privacy and accessibility: the same for everyone."""
    return render(request, f"pages/{page}.jinja")
