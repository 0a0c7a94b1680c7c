"""Signing in with a username or an email address, in the same time either way.

allauth's backend, given an email address, tries it as an email and then as a username,
checking the password of the same account twice; an unknown address costs one check. A
wrong password for a real address then took longer than for an unknown one, which tells
an attacker which addresses have accounts. Here each account's password is checked at
most once per sign-in, so every failed sign-in costs one password check.

An email address signs in to an account only if it is the account's own (the address the
invitation went to) or an address verified as its own.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend


class AuthenticationBackend(AllauthBackend):
    def authenticate(self, request, **credentials):
        self._checked: dict = {}
        return super().authenticate(request, **credentials)

    def _authenticate_by_email(self, email, password):
        """Only the address an account was invited with (its `email`) or an address
        verified as its own signs in to it."""
        user = super()._authenticate_by_email(email, password)
        if user is None or (user.email or "").lower() == email.lower():
            return user
        verified = user.emailaddress_set.filter(email__iexact=email, verified=True).exists()
        return user if verified else None

    def _check_password(self, user, password):
        if user is None:
            return None
        checked = getattr(self, "_checked", {})
        if user.pk not in checked:
            checked[user.pk] = super()._check_password(user, password)
        return checked[user.pk]
