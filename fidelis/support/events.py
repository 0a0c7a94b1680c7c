"""Reads for learning events: the topics Fidelis suggests (the items lowest across the
network at the latest timepoint with figures), and each invitee's registration state."""

from __future__ import annotations

from dataclasses import dataclass

from fidelis.benchmarks import access as benchmarks_access
from fidelis.benchmarks.dashboards import benchmarks_of, items_to_work_on

#: How many items a new event suggests as topics.
SUGGESTED = 3


def suggested_topics(programme) -> list[dict]:
    """[{number, title, spread}] of the items lowest across the network, from the latest
    timepoint whose figures may be shown (none when no comparison may be shown)."""
    if programme.scale is None:
        return []
    shown = [
        b
        for b in benchmarks_of(programme)
        if benchmarks_access.comparison_allowed(programme, b.n_teams)
    ]
    if not shown:
        return []
    return items_to_work_on(shown[-1], programme.scale.definition, SUGGESTED)


@dataclass
class Invitee:
    person: object
    state: str  # "registered", "attended", "did not come", "not registered"


def states(people, registrations: dict) -> list[Invitee]:
    found = []
    for person in people:
        r = registrations.get(person.pk)
        if r is None:
            state = "not registered"
        elif r.attended is True:
            state = "came" if r.registered else "came without registering"
        elif r.attended is False:
            state = "registered, did not come"
        else:
            state = "registered"
        found.append(Invitee(person, state))
    return found
