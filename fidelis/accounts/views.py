from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse


@login_required
def settings_page(request):
    has_totp = request.user.uses_authenticator_app
    return render(
        request,
        "account/settings.jinja",
        {
            "has_totp": has_totp,
            "breadcrumbs": [
                {"text": "Home", "href": reverse("home")},
                {"text": "Your account", "href": ""},
            ],
        },
    )
