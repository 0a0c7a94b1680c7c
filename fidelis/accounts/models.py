from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in to Fidelis. Their roles come from programme memberships."""

    job_title = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def uses_authenticator_app(self) -> bool:
        """Whether two-factor authentication with an authenticator app is on."""
        return Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists()
