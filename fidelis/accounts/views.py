from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
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


@login_required
def email_addresses(request):
    """No one adds email addresses: a person's address is the one their invitation was sent
    to (following the link proved it is theirs). An added, unchecked address could take
    over another person's address for signing in or password resets."""
    messages.info(
        request,
        "Your email address is the one your invitation was sent to. To change it, ask your "
        "programme lead to invite your new address.",
    )
    return redirect("account_settings")
