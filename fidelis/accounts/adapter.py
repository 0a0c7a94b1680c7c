from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.db.models import Q


class AccountAdapter(DefaultAccountAdapter):
    """Fidelis is invitation only: people join through a programme lead's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed sign-ins count per account, whether someone types its username or its
        email address (counted apart, they would allow twice the guesses)."""
        login = (credentials.get("email") or credentials.get("username") or "").strip()
        account = (
            get_user_model()
            .objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
            .values_list("pk", flat=True)
            .first()
        )
        return f"account:{account}" if account is not None else f"login:{login.lower()}"
