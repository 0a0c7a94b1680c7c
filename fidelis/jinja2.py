"""The Jinja2 environment: NHS.UK frontend macros, Django URL and static helpers."""

import json
from collections import OrderedDict

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader, Undefined
from jinja2.exceptions import UndefinedError
from markupsafe import Markup

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


class Components:
    """NHS.UK frontend components drawn once for each distinct set of parameters, in each
    process: `component("header", {...})`. Every page draws the same header and footer, and
    the frontend's macros cost a few milliseconds each time; their HTML depends on nothing
    but the parameters (an imported macro sees no page context), so it is kept, the most
    recently used `size` of them.

    What differs on every request (the sign-out form's CSRF token) is not a parameter: the
    template passes a marker, and `fill` puts the value in the kept HTML (`fill={marker:
    value}`). A marker starts with "<", which any text from a user has escaped, so only the
    template can have written it.
    """

    def __init__(self, env: Environment, size: int = 2048):
        self.env = env
        self.size = size
        self.drawn: OrderedDict[str, str] = OrderedDict()

    def __call__(self, name: str, params: dict, fill: dict | None = None) -> Markup:
        params = _defined(params)
        key = name + json.dumps(params, sort_keys=True)
        html = self.drawn.get(key)
        if html is None:
            macro = getattr(
                self.env.get_template(f"nhsuk/components/{name}/macro.jinja").module, name
            )
            html = str(macro(params))
            self.drawn[key] = html
            if len(self.drawn) > self.size:
                self.drawn.popitem(last=False)
        else:
            self.drawn.move_to_end(key)
        for marker, value in (fill or {}).items():
            assert marker.startswith("<"), "a marker starts with <"
            html = html.replace(marker, str(value))
        return Markup(html)  # noqa: S704 (drawn by the frontend's escaping macros)


def _defined(value):
    """Parameters without the keys a template left undefined (the macros treat a missing key
    and an undefined one alike)."""
    if isinstance(value, dict):
        return {k: _defined(v) for k, v in value.items() if not isinstance(v, Undefined)}
    if isinstance(value, list | tuple):
        return [_defined(v) for v in value]
    return value


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
    env.globals["component"] = Components(env)
    env.filters.update(date=format_date, datetime=format_datetime, plural=plural, clock=clock)
    return env
