"""Service improvement plans: the group that writes a team's plan, its goals linked to
fidelity items, the working groups that carry them, and actions with an owner and time.

A plan starts from a finalised review. The team manager drafts it with the service
improvement group; the organisation's senior sponsor signs it off or sends it back. After
sign-off it still changes (flexibility mattered to the teams we follow), but a change to a
goal, a target or a due date needs a reason, and every change is kept in the history.
When the team's next review is finalised, each goal shows its items' scores before and
after, and the group records how far each goal was achieved.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from fidelis.lib.plans import hours_text
from fidelis.validators import SafeCharField, SafeTextField

#: The programme we follow advises 3 or 4 goals a year: fewer goals get done.
ADVISED_GOALS = 4


class PlanSettings(models.Model):
    """A programme's settings for plans (a programme without a row uses the defaults)."""

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="plan_settings"
    )
    monthly_hours_warning = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal("8"),
        help_text="Warn a manager when one person's planned hours in a month exceed this.",
    )
    stalled_after_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="A plan with no update for this many weeks is shown as stalled."
    )

    class Meta:
        verbose_name_plural = "plan settings"

    def __str__(self) -> str:
        return f"Plan settings: {self.programme}"


class GroupRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    CLINICAL_LEAD = "clinical_lead", "Clinical lead"
    STAFF = "staff", "Team staff"
    ACUTE_CARE = "acute_care", "Acute care manager"
    LIVED_EXPERIENCE = "lived_experience", "Service user or carer representative"
    FACILITATOR = "facilitator", "Facilitator"
    OTHER = "other", "Other"


class GroupMember(models.Model):
    """A member of a team's service improvement group: a person in the programme, or (for
    someone without an account, such as a service user representative) a name alone."""

    team = models.ForeignKey(
        "programmes.Team", on_delete=models.CASCADE, related_name="improvement_group"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="improvement_groups",
    )
    name = SafeCharField(max_length=120, blank=True)
    role = models.CharField(max_length=20, choices=GroupRole.choices)
    joined_on = models.DateField(default=datetime.date.today)

    class Meta:
        ordering = ["team", "role", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(user__isnull=False),
                name="one_group_place_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""),
                name="group_member_is_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        return self.user.display_name if self.user_id else self.name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    CLOSED = "closed", "Closed"


class Plan(models.Model):
    """A team's service improvement plan for a period, started from a finalised review."""

    team = models.ForeignKey("programmes.Team", on_delete=models.CASCADE, related_name="plans")
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="The finalised review the plan starts from.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The last change to the plan, its goals or its actions: a plan is stalled when this
    # is older than the programme's setting.
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_comment = SafeTextField(blank=True)
    # The sponsor's comment when they send the plan back, shown until it is submitted again.
    returned_comment = SafeTextField(blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "-starts_on"]
        indexes = [models.Index(fields=["team", "status"], name="plan_by_team_status")]

    def __str__(self) -> str:
        return f"{self.team.name}: plan from {self.starts_on:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("plan", args=[self.pk])

    @property
    def is_signed_off(self) -> bool:
        return self.status in (PlanStatus.SIGNED_OFF, PlanStatus.CLOSED)

    @property
    def period(self) -> str:
        return f"{self.starts_on:%-d %B %Y} to {self.ends_on:%-d %B %Y}"


class Meets(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"
    BIMONTHLY = "bimonthly", "Every two months"


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", "Achieved"
    PARTLY = "partly", "Partly achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class Goal(models.Model):
    """One goal of a plan, linked to fidelity items, with the working group carrying it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(default=0)
    title = SafeCharField(max_length=200)
    target_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The score the linked items should reach."
    )
    success = SafeTextField(blank=True, help_text="What success looks like, in a sentence.")
    measure = SafeTextField(blank=True, help_text="How progress is measured.")
    # The working group.
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    meets = models.CharField(max_length=20, choices=Meets.choices, blank=True)
    reports_to = SafeCharField(max_length=200, blank=True)
    # Recorded by the group once the next review is finalised.
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = SafeTextField(blank=True)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_into"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalItem(models.Model):
    """A fidelity item a goal works on, and the item's criteria the goal means to meet."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("scales.Item", on_delete=models.PROTECT, related_name="+")
    criteria = models.JSONField(default=list, blank=True, help_text="Criterion letters.")

    class Meta:
        ordering = ["goal", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "item"], name="one_link_per_goal_item")
        ]

    def __str__(self) -> str:
        return f"{self.goal}: item {self.item.number}"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"
    DROPPED = "dropped", "Dropped"


#: Statuses that need a reason beside them.
NEEDS_REASON = frozenset({ActionStatus.BLOCKED, ActionStatus.DROPPED})
#: Statuses of actions still to do.
OPEN_STATUSES = frozenset(
    {ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED}
)


class Action(models.Model):
    """A piece of work towards a goal, owned by one named person, with the staff time it
    is expected to take."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    title = SafeCharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_actions"
    )
    due_on = models.DateField()
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, help_text="Estimated staff hours for the whole action."
    )
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    status_reason = SafeTextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="action_by_owner")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan_action", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on < today


class ActionUpdate(models.Model):
    """A dated note of progress on an action, with the status it left the action in."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)
    note = SafeTextField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices)

    class Meta:
        ordering = ["action", "-written_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.written_at:%-d %B %Y}"
