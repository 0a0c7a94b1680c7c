from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Fidelis is invitation only: people join through a programme lead's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False
