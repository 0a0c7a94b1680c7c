"""The resource library (guides, templates, example policies, reading, links and files,
each linked to scale items), how often each team opens them, and each person's reminders
(in-app notifications and the email digests that gather them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from fidelis.programmes.models import Programme, Team
from fidelis.scales.models import Item, Section
from fidelis.uploads import stored_name
from fidelis.validators import SafeCharField, SafeTextField


class Kind(models.TextChoices):
    GUIDE = "guide", "Guide"
    TEMPLATE = "template", "Template"
    POLICY = "policy", "Example policy"
    VIDEO = "video", "Video"
    READING = "reading", "Reading"
    LINK = "link", "Link"
    FILE = "file", "File"


class Audience(models.TextChoices):
    MANAGERS = "managers", "Managers"
    STAFF = "staff", "All staff"
    SPONSORS = "sponsors", "Senior sponsors"


class Status(models.TextChoices):
    PUBLISHED = "published", "In the library"
    PENDING = "pending", "Awaiting approval"
    DECLINED = "declined", "Not approved"


def _resource_file_path(instance, filename: str) -> str:
    # The stored name is random; the uploaded name is kept in `file_name`, never a path.
    return stored_name(f"resources/{instance.programme_id}", filename)


class Resource(models.Model):
    """One resource in a programme's library. A team may share its own good practice: it
    waits for the lead's approval before any other team sees it, and shows the team's name
    only if the team agreed."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="resources")
    title = SafeCharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GUIDE)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.STAFF)
    use_when = SafeCharField(
        max_length=200, help_text="One line: when a busy person should pick this up."
    )
    body = SafeTextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    file = models.FileField(upload_to=_resource_file_path, max_length=300, blank=True)
    file_name = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    items = models.ManyToManyField(Item, related_name="resources", blank=True)
    sections = models.ManyToManyField(Section, related_name="resources", blank=True)
    shared_by = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="shared_resources"
    )
    show_team_name = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    decline_reason = SafeTextField(blank=True)
    review_due = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: Title, "use this when", text and linked items' titles: what the library search reads.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["programme", "status"], name="resource_by_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("resource", args=[self.pk])


class Use(models.TextChoices):
    VIEW = "view", "Opened"
    DOWNLOAD = "download", "Downloaded"


class ResourceUse(models.Model):
    """How many times a resource was opened or downloaded on a day, by the staff of one
    team (team empty: people outside any team, such as facilitators, sponsors and the
    lead). Never who: usage is counted per team, never per person."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="uses")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="resource_uses"
    )
    day = models.DateField()
    use = models.CharField(max_length=10, choices=Use.choices)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "team", "day", "use"], name="one_use_row_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "team", "resource"], name="use_by_team"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.use} {self.day}: {self.count}"


class Frequency(models.TextChoices):
    DAILY = "daily", "Every day"
    WEEKLY = "weekly", "Once a week (Monday)"
    NONE = "none", "Never: I will look in Fidelis"


class ReminderSettings(models.Model):
    """How often a person wants the email digest (weekly when they have not chosen)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)

    def __str__(self) -> str:
        return self.get_frequency_display()


class Notification(models.Model):
    """One thing for a person to do or know, shown in the app until they clear it. `key`
    names what it is about (an action falling due, a review to rate), so the same thing is
    never notified twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=300)
    detail = models.CharField(max_length=300, blank=True)
    href = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    #: Cleared from the person's list; kept a while so the same thing is not notified again.
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_notification_per_key")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text


class Digest(models.Model):
    """A digest sent to a person for one period ("2026-12-07" for a day, "2026-W50" for a
    week): a second run in the same period finds it and sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)
    lines = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_period")
        ]

    def __str__(self) -> str:
        return self.period


# Any change to a resource or to the items and sections it is linked to counts as a change
# to its programme's library (Programme.library_version), however it is made.


def library_changed(programme_ids) -> None:
    Programme.objects.filter(pk__in=programme_ids).update(library_version=F("library_version") + 1)


@receiver(post_save, sender=Resource)
@receiver(post_delete, sender=Resource)
def _resource_changed(sender, instance, **kwargs):
    library_changed([instance.programme_id])


@receiver(m2m_changed, sender=Resource.items.through)
@receiver(m2m_changed, sender=Resource.sections.through)
def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        library_changed([instance.programme_id])
    else:  # from the item's or section's side: the resources named, or all of them
        resources = Resource.objects.filter(pk__in=pk_set) if pk_set else Resource.objects.all()
        library_changed(resources.values("programme_id"))
