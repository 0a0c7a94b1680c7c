"""Sign-in forms with limits on what each field takes."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from django.core.validators import MaxLengthValidator

LOGIN_MAX_LENGTH = 254  # the longest email address; usernames are 150 at most
PASSWORD_MAX_LENGTH = 1024


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, refusing a username, email or password too long to be real
    before it reaches the database (a 100 KB username made SQLite fail)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in (("login", LOGIN_MAX_LENGTH), ("password", PASSWORD_MAX_LENGTH)):
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)
