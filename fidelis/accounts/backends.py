"""Signing in with a username or an email address, in the same time either way.

allauth's backend, given an email address, tries it as an email and then as a username,
checking the password of the same account twice; an unknown address costs one check. A
wrong password for a real address then took longer than for an unknown one, which tells
an attacker which addresses have accounts. Here each account's password is checked at
most once per sign-in, so every failed sign-in costs one password check.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend


class AuthenticationBackend(AllauthBackend):
    def authenticate(self, request, **credentials):
        self._checked: dict = {}
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is None:
            return None
        checked = getattr(self, "_checked", {})
        if user.pk not in checked:
            checked[user.pk] = super()._check_password(user, password)
        return checked[user.pk]
