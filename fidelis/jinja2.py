"""The Jinja2 environment: NHS.UK frontend macros, Django URL and static helpers."""

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader
from jinja2.exceptions import UndefinedError

from fidelis.forms import error_list, render_field
from fidelis.navigation import navigation


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def format_date(value, fmt: str = "j F Y") -> str:
    if not value:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return date_format(value, fmt)


def format_datetime(value) -> str:
    return format_date(value, "j F Y, H:i")


def clock(value) -> str:
    """A time of day to the second, in Europe/London (for "Saved at" lines), with its date
    when it is not today ("14:03:09 on 2 December 2026")."""
    if not value:
        return ""
    local = timezone.localtime(value)
    shown = date_format(local, "H:i:s")
    if local.date() != timezone.localdate():
        shown += " on " + date_format(local, "j F Y")
    return shown


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


class LoudUndefined(ChainableUndefined):
    """A missing variable that may be tested (`{% if x %}`, `x | default(...)`, as the
    NHS.UK macros do with their optional parameters) but never printed: `{{ x }}` with x
    missing raises instead of rendering as nothing."""

    __slots__ = ()

    def __str__(self) -> str:
        raise UndefinedError(self._undefined_message)

    __html__ = __str__


def environment(**options) -> Environment:
    options["loader"] = ChoiceLoader([options["loader"], PackageLoader("nhsuk_frontend_jinja")])
    # A missing variable renders as nothing for users, but fails loudly where
    # FIDELIS_STRICT_TEMPLATES is on (the test suite), so a view that forgets one is caught.
    strict = getattr(settings, "FIDELIS_STRICT_TEMPLATES", False)
    options["undefined"] = LoudUndefined if strict else ChainableUndefined
    options.setdefault("autoescape", True)
    env = Environment(**options)  # noqa: S701 (autoescape is set above)
    env.globals.update(
        url=url,
        static=static,
        field=render_field,
        error_list=error_list,
        get_messages=get_messages,
        service_name=settings.FIDELIS_SERVICE_NAME,
        plural=plural,
        navigation=navigation,
    )
    env.filters.update(date=format_date, datetime=format_datetime, plural=plural, clock=clock)
    return env
