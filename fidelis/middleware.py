"""A Content Security Policy with a fresh nonce for each response.

The NHS.UK page template runs one inline script (it marks the page as able to run
JavaScript); it gets the nonce, so no policy needs 'unsafe-inline'.
"""

import secrets


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response and not request.path.startswith("/admin/"):
            response["Content-Security-Policy"] = (
                "default-src 'self'; "
                f"script-src 'self' 'nonce-{request.csp_nonce}'; "
                "style-src 'self'; img-src 'self' data:; font-src 'self'; "
                "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                "base-uri 'self'; object-src 'none'"
            )
        return response


class NoStoreWhenSignedInMiddleware:
    """Pages and report PDFs for a signed-in person are never kept by the browser or any
    cache between it and Fidelis: a shared NHS computer must not show the next person a
    team's results from its cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response
