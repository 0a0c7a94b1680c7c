"""The demo programme and synthetic programmes, composed from every app's builders.

`build_demo()` always builds the same programme (random.Random(42)): four NHS trusts,
thirteen crisis teams, the people who work with them and the demo accounts, all
fictional; demo accounts share the password `demo` and exist only when the demo is built.
`build_seed()` builds a synthetic programme of any size for `fidelis seed`.

Each app contributes a builder, listed in settings in order (FIDELIS_DEMO, FIDELIS_SEED:
programmes first, then the apps that build on it), and a remover (FIDELIS_REMOVE, the
reverse order), so a new app adds entries, not imports.
"""

import random

from django.contrib.auth import get_user_model
from django.db import transaction

from fidelis.bulk import Build
from fidelis.pages import contributions
from fidelis.programmes.demo import (
    DEMO_PASSWORD,
    DEMO_SLUG,
    PERSONAS,
    Persona,
    persona_lines,
)
from fidelis.programmes.models import Programme

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_SLUG",
    "PERSONAS",
    "Persona",
    "build_demo",
    "build_seed",
    "persona_lines",
    "remove_programme",
]


@transaction.atomic
def remove_programme(programme: Programme) -> None:
    """Delete a demo or synthetic programme, everything in it and the accounts only it had."""
    for remove in contributions("FIDELIS_REMOVE"):
        remove(programme)


def remove_demo() -> None:
    """Delete the demo programme and every account it made."""
    programme = Programme.objects.filter(slug=DEMO_SLUG).first()
    if programme is not None:
        remove_programme(programme)
    get_user_model().objects.filter(username__in=[p.username for p in PERSONAS]).delete()


@transaction.atomic
def build_demo(*, reset: bool = True) -> Programme:
    """Build the demo programme (replacing an earlier one when `reset`)."""
    if reset:
        remove_demo()
    elif Programme.objects.filter(slug=DEMO_SLUG).exists():
        return Programme.objects.get(slug=DEMO_SLUG)
    build = Build(rng=random.Random(42))
    for contribute in contributions("FIDELIS_DEMO"):
        contribute(build)
    return build.programme


@transaction.atomic
def build_seed(*, teams: int, seed: int, reviews: int, slug: str) -> Build:
    """Build a synthetic programme; the returned Build holds it and the rows written."""
    build = Build(
        rng=random.Random(seed),
        options={"teams": teams, "seed": seed, "reviews": reviews, "slug": slug},
    )
    for contribute in contributions("FIDELIS_SEED"):
        contribute(build)
    return build
