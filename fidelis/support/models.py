"""Facilitation: each contact a facilitator has with a team, and the programme's agreed
dose of it.

In the programme we follow each team had a facilitator for about one session a week,
and teams called that support essential. A contact records when, how and for how long,
who took part by role (never a patient's details), what was discussed (plan goals and
scale items) and the follow-ups, which become plan actions with an owner.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from fidelis.uploads import stored_name
from fidelis.validators import SafeCharField, SafeTextField


class SupportSettings(models.Model):
    """A programme's agreed facilitation dose (a programme without a row uses the
    defaults: one session of two hours a week for each team)."""

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="support_settings"
    )
    weekly_sessions = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal("1"),
        help_text="Facilitation sessions each team is offered a week.",
    )
    session_hours = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal("2"),
        help_text="The length of a session, in hours.",
    )

    class Meta:
        verbose_name_plural = "support settings"

    def __str__(self) -> str:
        return f"Support settings: {self.programme}"


class Mode(models.TextChoices):
    VISIT = "visit", "Visit"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    EMAIL = "email", "Email"


class Participant(models.TextChoices):
    """Who took part in a contact, by role only."""

    MANAGER = "manager", "Team manager"
    CLINICAL_LEAD = "clinical_lead", "Clinical lead"
    STAFF = "staff", "Team staff"
    WORKING_GROUP = "working_group", "A working group"
    SPONSOR = "sponsor", "Senior sponsor"
    LIVED_EXPERIENCE = "lived_experience", "Service user or carer representative"
    OTHER = "other", "Others"


class Contact(models.Model):
    """One contact between a facilitator and a team: a visit, call, video call or email."""

    team = models.ForeignKey(
        "programmes.Team", on_delete=models.CASCADE, related_name="facilitation_contacts"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="facilitation_contacts",
    )
    happened_on = models.DateField()
    mode = models.CharField(max_length=10, choices=Mode.choices)
    minutes = models.PositiveSmallIntegerField()
    took_part = models.JSONField(default=list, blank=True, help_text="Participant keys.")
    goals = models.ManyToManyField("improvement.Goal", blank=True, related_name="+")
    items = models.ManyToManyField("scales.Item", blank=True, related_name="+")
    notes = SafeTextField(blank=True)
    follow_ups = models.ManyToManyField("improvement.Action", blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        indexes = [
            models.Index(fields=["team", "happened_on"], name="contact_by_team"),
            models.Index(fields=["facilitator", "happened_on"], name="contact_by_facilitator"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.get_mode_display().lower()}, {self.happened_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("support_contact", args=[self.pk])

    @property
    def took_part_words(self) -> list[str]:
        labels = dict(Participant.choices)
        return [labels[key] for key in self.took_part if key in labels]

    @property
    def duration(self) -> str:
        return minutes_text(self.minutes)


def minutes_text(minutes: int) -> str:
    """90 -> "1 h 30 min"; 45 -> "45 min"; 120 -> "2 h"."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


class MeetingKind(models.TextChoices):
    GROUP = "group", "Service improvement group"
    WORKING_GROUP = "working_group", "Working group"
    SCOPING = "scoping", "Scoping day"


class Meeting(models.Model):
    """A meeting of a team's service improvement group, of one of its working groups (the
    group carrying a plan goal), or the team's scoping day, with its minutes: who came,
    the agenda, the decisions, the actions it put into the plan and, for a scoping day,
    the items chosen as priorities (offered first when the team starts its plan)."""

    team = models.ForeignKey("programmes.Team", on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    goal = models.ForeignKey(
        "improvement.Goal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a working group's meeting: the goal the group carries.",
    )
    held_on = models.DateField()
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    others = SafeTextField(
        blank=True, help_text="Others who came, without an account: a name and role each."
    )
    agenda = SafeTextField(blank=True)
    decisions = SafeTextField(blank=True)
    priorities = models.ManyToManyField("scales.Item", blank=True, related_name="+")
    actions = models.ManyToManyField("improvement.Action", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["team", "kind", "held_on"], name="meeting_by_team")]

    def __str__(self) -> str:
        return f"{self.title}, {self.held_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("support_meeting", args=[self.pk])

    @property
    def title(self) -> str:
        if self.kind == MeetingKind.WORKING_GROUP and self.goal_id:
            return f"Working group: {self.goal.title}"
        return self.get_kind_display()


class Event(models.Model):
    """A learning event of the programme (its learning exchange): teams and senior leaders
    meet, hear what worked elsewhere and feel part of a bigger whole. Who is invited is
    given by role (and, if named, organisation); people register up to the cap, and the
    lead takes attendance on the day and shares notes afterwards."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="events"
    )
    title = SafeCharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = SafeCharField(max_length=300, blank=True)
    online_link = models.URLField(blank=True)
    agenda = SafeTextField(blank=True)
    invited_roles = models.JSONField(default=list, help_text="Membership roles invited.")
    organisations = models.ManyToManyField(
        "programmes.Organisation",
        blank=True,
        related_name="+",
        help_text="Only these organisations' people (every organisation when none).",
    )
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="The most people who may register (no limit if blank)."
    )
    topics = models.ManyToManyField("scales.Item", blank=True, related_name="+")
    notes = SafeTextField(blank=True, help_text="Shared with everyone invited, afterwards.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["programme", "starts_at"], name="event_by_programme")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("support_event", args=[self.pk])


class Registration(models.Model):
    """A person's place at an event, and whether they came (None until attendance is
    taken)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    registered = models.BooleanField(
        default=True, help_text="False for someone who came without registering."
    )
    registered_at = models.DateTimeField(default=timezone.now)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_registration_each")
        ]
        indexes = [models.Index(fields=["user", "event"], name="registration_by_user")]

    def __str__(self) -> str:
        return f"{self.user} at {self.event}"


def _event_file_path(instance, filename: str) -> str:
    return stored_name(f"events/{instance.event_id}", filename)


class EventFile(models.Model):
    """A file shared after a learning event (slides, notes), for everyone it invited. Kept
    through Django's storage under a random name; only ever sent back as a download."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_event_file_path, max_length=300)
    name = models.CharField(max_length=120, help_text="The name it was uploaded with.")
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("support_event_file", args=[self.event_id, self.pk])
