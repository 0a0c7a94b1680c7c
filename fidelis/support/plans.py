"""What facilitation gives the plans: the items the team chose as priorities at its
scoping day, offered first when it starts a plan (listed in FIDELIS_PLAN_PRIORITIES)."""

from __future__ import annotations

from fidelis.support.models import Meeting, MeetingKind


def scoping_priorities(team) -> dict[int, str]:
    """{item number: why it is offered} from the team's latest scoping day."""
    scoping = (
        Meeting.objects.filter(team=team, kind=MeetingKind.SCOPING)
        .order_by("-held_on", "-pk")
        .first()
    )
    if scoping is None:
        return {}
    day = f"{scoping.held_on.day} {scoping.held_on:%B %Y}"
    return dict.fromkeys(
        scoping.priorities.values_list("number", flat=True),
        f"Chosen as a priority at the scoping day on {day}.",
    )
