"""A facilitator's caseload: their teams, the time spent with each month by month against
the programme's agreed dose, and each team's engagement indicator."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from fidelis.lib.engagement import Indicator, indicator
from fidelis.programmes.models import Membership, Role, add_months
from fidelis.support.engagement import facts_for
from fidelis.support.models import Contact, minutes_text

#: Months shown on a caseload, this one included.
MONTHS = 6
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)


def monthly_dose_minutes(settings) -> int:
    """The agreed facilitation time for one team in an average month, in minutes."""
    return round(settings.weekly_sessions * settings.session_hours * 60 * WEEKS_PER_MONTH)


def months_to(today: datetime.date, count: int = MONTHS) -> list[datetime.date]:
    this = today.replace(day=1)
    return [add_months(this, -k) for k in range(count - 1, -1, -1)]


@dataclass
class Month:
    month: datetime.date
    minutes: int
    contacts: int
    dose: int

    @property
    def time(self) -> str:
        return minutes_text(self.minutes) if self.minutes else "none"

    @property
    def share(self) -> int:
        """The time spent as a whole percentage of the dose."""
        return round(100 * self.minutes / self.dose) if self.dose else 0


@dataclass
class CaseloadTeam:
    team: object
    months: list[Month]
    indicator: Indicator
    last_contact: datetime.date | None
    month_contacts: int = 0


def spent(team_ids: list[int], first: datetime.date) -> dict:
    """{(team id, month): (minutes, contacts)} from `first` on, by any facilitator."""
    found = Contact.objects.filter(team_id__in=team_ids, happened_on__gte=first)
    return {
        (row["team_id"], row["month"]): (row["minutes"], row["contacts"])
        for row in found.order_by()
        .annotate(month=TruncMonth("happened_on"))
        .values("team_id", "month")
        .annotate(minutes=Sum("minutes"), contacts=Count("pk"))
    }


def _month_key(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def months_of(team_ids: list[int], settings, today: datetime.date) -> dict[int, list[Month]]:
    """{team id: its last MONTHS months of facilitation time against the dose}."""
    months = months_to(today)
    dose = monthly_dose_minutes(settings)
    by_month = {
        (team_id, _month_key(month)): value
        for (team_id, month), value in spent(team_ids, months[0]).items()
    }
    return {
        team_id: [Month(m, *by_month.get((team_id, m), (0, 0)), dose=dose) for m in months]
        for team_id in team_ids
    }


def caseload(programme, teams, settings, today: datetime.date) -> list[CaseloadTeam]:
    team_ids = [t.pk for t in teams]
    months = months_of(team_ids, settings, today)
    facts = facts_for(programme, team_ids, today)
    return [
        CaseloadTeam(
            team=team,
            months=months[team.pk],
            indicator=indicator(facts[team.pk]),
            last_contact=facts[team.pk].last_contact,
            month_contacts=facts[team.pk].month_contacts,
        )
        for team in teams
    ]


@dataclass
class FacilitatorSummary:
    person: object
    teams: int
    minutes_this_month: int
    contacts_this_month: int
    amber: int
    red: int
    no_contact: int


def summaries(programme, people: list, today: datetime.date) -> list[FacilitatorSummary]:
    """For the lead's list: each facilitator's teams, this month's time, and how many of
    their teams are amber or red, or without a contact this month."""
    this_month = today.replace(day=1)
    links = list(
        Membership.objects.filter(
            programme=programme, role=Role.FACILITATOR, user__in=people
        ).values_list("user_id", "team_id")
    )
    team_ids = sorted({team_id for _, team_id in links if team_id})
    facts = facts_for(programme, team_ids, today)
    levels_of = {team_id: indicator(f).level for team_id, f in facts.items()}
    mine = {
        row["facilitator_id"]: row
        for row in Contact.objects.filter(
            facilitator__in=people,
            team__organisation__programme=programme,
            happened_on__gte=this_month,
            happened_on__lte=today,
        )
        .order_by()
        .values("facilitator_id")
        .annotate(minutes=Sum("minutes"), contacts=Count("pk"))
    }
    found = []
    for person in people:
        teams = [team_id for user_id, team_id in links if user_id == person.pk and team_id]
        levels = [levels_of[t] for t in teams]
        row = mine.get(person.pk, {})
        found.append(
            FacilitatorSummary(
                person=person,
                teams=len(teams),
                minutes_this_month=row.get("minutes") or 0,
                contacts_this_month=row.get("contacts") or 0,
                amber=levels.count("amber"),
                red=levels.count("red"),
                no_contact=sum(1 for t in teams if not facts[t].month_contacts),
            )
        )
    return found
