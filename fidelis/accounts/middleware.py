"""Staff and administrators use two-factor authentication.

With FIDELIS_STAFF_NEED_2FA on (the default in production), a signed-in staff member or
administrator who has not turned on an authenticator app is sent to set one up before any
other page opens: they can reach everything in every programme and the Django admin.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Pages a staff member needs to set up two-factor authentication (or to leave).
_OPEN_PREFIXES = ("/accounts/", "/static/")


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.FIDELIS_STAFF_NEED_2FA
            and user is not None
            and user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.uses_authenticator_app
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
