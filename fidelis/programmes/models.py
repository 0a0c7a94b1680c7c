"""Programmes, the organisations and teams in them, and the roles people hold."""

import datetime
import random
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from fidelis.validators import SafeCharField, SafeTextField


class Role(models.TextChoices):
    LEAD = "lead", "Programme lead"
    FACILITATOR = "facilitator", "Facilitator"
    REVIEWER = "reviewer", "Reviewer"
    EXPERT_REVIEWER = "expert_reviewer", "Expert-by-experience reviewer"
    TEAM_MANAGER = "team_manager", "Team manager"
    TEAM_MEMBER = "team_member", "Team member"
    SPONSOR = "sponsor", "Senior sponsor"
    EVALUATOR = "evaluator", "Evaluator"


# Where each role applies: the whole programme, one organisation, or one team.
PROGRAMME_ROLES = frozenset({Role.LEAD, Role.REVIEWER, Role.EXPERT_REVIEWER, Role.EVALUATOR})
ORGANISATION_ROLES = frozenset({Role.SPONSOR})
TEAM_ROLES = frozenset({Role.FACILITATOR, Role.TEAM_MANAGER, Role.TEAM_MEMBER})
REVIEWER_ROLES = frozenset({Role.REVIEWER, Role.EXPERT_REVIEWER})


def scope_of(role: str) -> str:
    if role in TEAM_ROLES:
        return "team"
    if role in ORGANISATION_ROLES:
        return "organisation"
    return "programme"


class Programme(models.Model):
    """A service improvement programme: a set of teams working to one fidelity scale."""

    name = SafeCharField(max_length=200)
    slug = models.SlugField(unique=True)
    description = SafeTextField(blank=True)
    start_date = models.DateField()
    length_months = models.PositiveSmallIntegerField(default=12)
    named_benchmarking = models.BooleanField(
        default=False,
        help_text="When on, teams see each other's names in comparisons; "
        "otherwise other teams appear only under pseudonyms.",
    )
    benchmark_min_teams = models.PositiveSmallIntegerField(
        "smallest comparison",
        default=5,
        help_text="A comparison built from fewer teams than this is not shown, so no team's "
        "results can be worked out from it. At least 3.",
    )
    report_priorities = models.PositiveSmallIntegerField(
        "priorities in a report",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How many priority items a feedback report names, from 1 to 5.",
    )
    scale = models.ForeignKey(
        "scales.FidelityScale",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text="The fidelity scale version every review in this programme uses.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Counts changes to the programme's resource library (the resources app adds one on
    # each): what a page keeps of the library is kept under this number.
    library_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme", args=[self.slug])

    @property
    def end_date(self) -> datetime.date:
        return add_months(self.start_date, self.length_months)

    def people(self, search: str = ""):
        """Everyone with a role in the programme, by name; `search` narrows by any part of
        their name, username or email, or of the name of a team they work in."""
        users = (
            get_user_model()
            .objects.filter(pk__in=self.memberships.values("user_id"))
            .order_by("first_name", "last_name", "username")
        )
        for word in search.split():
            users = users.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
                | Q(email__icontains=word)
                | Q(pk__in=self.memberships.filter(team__name__icontains=word).values("user_id"))
            )
        return users

    def roles_by_person(self, users) -> dict[int, list[str]]:
        """{user id: ["Team manager (Ashby Crisis Resolution Team)", ...]} for `users`."""
        roles: dict[int, list[str]] = {}
        for membership in (
            self.memberships.filter(user__in=[u.pk for u in users])
            .select_related("team", "organisation", "programme")
            .order_by("role")
        ):
            where = (
                f" ({membership.scope_label})"
                if membership.team_id or membership.organisation_id
                else ""
            )
            roles.setdefault(membership.user_id, []).append(
                f"{membership.get_role_display()}{where}"
            )
        return roles

    def create_default_timepoints(self) -> None:
        for order, (key, label, months) in enumerate(
            [("baseline", "Baseline", 0), ("6m", "6 months", 6), ("12m", "12 months", 12)]
        ):
            ReviewTimepoint.objects.get_or_create(
                programme=self, key=key, defaults={"label": label, "month": months, "order": order}
            )


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


class ReviewTimepoint(models.Model):
    """When in the programme a fidelity review is due (baseline, 6 months, 12 months)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="timepoints")
    key = models.SlugField(max_length=30)
    label = SafeCharField(max_length=60)
    month = models.PositiveSmallIntegerField(help_text="Months after the programme starts.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "order", "month"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="unique_timepoint_key")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def due_date(self) -> datetime.date:
        return add_months(self.programme.start_date, self.month)


class Organisation(models.Model):
    """An NHS trust or other provider whose crisis teams take part in a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="organisations")
    name = SafeCharField(max_length=200)
    slug = models.SlugField()
    ods_code = SafeCharField(
        "ODS code", max_length=10, blank=True, help_text="The organisation's NHS ODS code."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="unique_organisation_slug")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation", args=[self.programme.slug, self.slug])


class TeamQuerySet(models.QuerySet):
    def in_programme(self, programme):
        return self.filter(organisation__programme=programme)


class Team(models.Model):
    """A crisis resolution team taking part in a programme."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = SafeCharField(max_length=200)
    slug = models.SlugField()
    pseudonym = models.CharField(
        max_length=40, help_text="How the team appears to other teams and to evaluators."
    )
    area_served = SafeCharField(max_length=300, blank=True)
    staff_count = models.PositiveSmallIntegerField(
        "number of staff", null=True, blank=True, help_text="Whole-time equivalent, rounded."
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unique_team_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("team", args=[self.organisation.programme.slug, self.slug])

    @property
    def programme(self) -> Programme:
        return self.organisation.programme


def pseudonym_label(n: int) -> str:
    """Team A, Team B, ... Team Z, Team AA, ..."""
    label, k = "", n
    while True:
        label = chr(ord("A") + k % 26) + label
        k = k // 26 - 1
        if k < 0:
            return f"Team {label}"


def next_pseudonym(programme: Programme, rng=None) -> str:
    """A pseudonym no team in the programme has, stable once given.

    Drawn at random from a pool at least twice the number of teams: handed out in order,
    pseudonyms would follow the order teams were entered (trust by trust, alphabetically)
    and let people match them to real teams.
    """
    rng = rng or random.SystemRandom()
    used = set(Team.objects.in_programme(programme).values_list("pseudonym", flat=True))
    pool_size = max(26, 2 * (len(used) + 1))
    free = [p for p in (pseudonym_label(n) for n in range(pool_size)) if p not in used]
    return rng.choice(free)


class ScopedRole(models.Model):
    """A role held, or offered, in a programme, one of its organisations or one of its
    teams: what memberships and invitations have in common."""

    class Meta:
        abstract = True

    @property
    def scope_label(self) -> str:
        """Where the role applies: the team's, the organisation's or the programme's name."""
        if self.team_id:
            return self.team.name
        if self.organisation_id:
            return self.organisation.name
        return self.programme.name


class Membership(ScopedRole):
    """A role a person holds in a programme, an organisation or a team."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(TEAM_ROLES), team__isnull=False, organisation__isnull=True)
                    | Q(
                        role__in=sorted(ORGANISATION_ROLES),
                        organisation__isnull=False,
                        team__isnull=True,
                    )
                    | Q(
                        role__in=sorted(PROGRAMME_ROLES),
                        organisation__isnull=True,
                        team__isnull=True,
                    )
                ),
                name="membership_scope_matches_role",
            )
        ]
        # "Everyone in this programme with this role" (the facilitators to filter a
        # dashboard by, the people page's groups) reads the index alone.
        indexes = [
            models.Index(fields=["programme", "role", "user"], name="membership_by_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} ({self.scope_label})"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=14)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(ScopedRole):
    """An emailed invitation to hold a role; its link lets the person set a password."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    def get_absolute_url(self) -> str:
        return reverse("accept_invitation", args=[self.token])

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Waiting"
