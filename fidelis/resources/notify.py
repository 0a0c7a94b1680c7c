"""In-app notifications and email digests, both made from fidelis.resources.reminders.

`refresh(user, today)` adds a notification for each reminder not notified before (its key
names the thing and its date); `send_digests(today)` is what `fidelis send-digests` runs:
it refreshes everyone's notifications and sends each person who wants one this period's
digest, once: a second run in the same period sends nothing twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from fidelis.programmes.models import Membership
from fidelis.resources.models import Digest, Frequency, Notification, ReminderSettings
from fidelis.resources.reminders import Reminder, reminders_for
from fidelis.resources.tasks import send_digest


def refresh(user, today: datetime.date, reminders: list[Reminder] | None = None) -> int:
    """Add the person's new reminders as notifications; returns how many were new."""
    reminders = reminders_for(user, today) if reminders is None else reminders
    if not reminders:
        return 0
    known = set(
        Notification.objects.filter(user=user, key__in=[r.key for r in reminders]).values_list(
            "key", flat=True
        )
    )
    fresh = [
        Notification(
            user=user,
            key=r.key,
            kind=r.kind,
            text=r.text[:300],
            detail=r.detail[:300],
            href=r.href,
        )
        for r in reminders
        if r.key not in known
    ]
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def unread_count(user) -> int:
    return Notification.objects.filter(
        user=user, read_at__isnull=True, cleared_at__isnull=True
    ).count()


def mark_read(user, ids: list[int] | None = None) -> int:
    """Mark the person's notifications read (the given ones, or all)."""
    found = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        found = found.filter(pk__in=ids)
    return found.update(read_at=timezone.now())


def clear_read(user) -> int:
    """Clear the person's read notifications from their list. They are kept (out of sight)
    for KEEP_CLEARED, so the same thing is not notified again meanwhile."""
    return Notification.objects.filter(
        user=user, read_at__isnull=False, cleared_at__isnull=True
    ).update(cleared_at=timezone.now())


#: How long a cleared notification is kept before it goes for good.
KEEP_CLEARED = datetime.timedelta(days=90)


def forget_cleared(now=None) -> int:
    """Delete notifications cleared more than KEEP_CLEARED ago."""
    now = now or timezone.now()
    return Notification.objects.filter(cleared_at__lt=now - KEEP_CLEARED).delete()[0]


def frequency_of(user) -> str:
    found = ReminderSettings.objects.filter(user=user).values_list("frequency", flat=True).first()
    return found or Frequency.WEEKLY


def set_frequency(user, frequency: str) -> None:
    if frequency not in Frequency.values:
        raise ValueError(frequency)
    ReminderSettings.objects.update_or_create(user=user, defaults={"frequency": frequency})


def period_of(frequency: str, today: datetime.date) -> str:
    """The digest period a day falls in: the day itself, or its ISO week."""
    if frequency == Frequency.DAILY:
        return today.isoformat()
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DigestRun:
    sent: int = 0
    already: int = 0
    nothing: int = 0
    not_wanted: int = 0
    notified: int = 0


def people_to_remind():
    """Everyone active with a role in a programme and an email address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=Membership.objects.values("user_id"))
        .exclude(email="")
        .order_by("pk")
    )


def send_digests(today: datetime.date, *, people=None, base_url: str | None = None) -> DigestRun:
    """Refresh everyone's notifications, then send each person who wants one this period's
    digest (through the task queue), unless it has gone already or there is nothing in it."""
    run = DigestRun()
    forget_cleared()
    people = list(people_to_remind() if people is None else people)
    chosen = dict(
        ReminderSettings.objects.filter(user__in=people).values_list("user_id", "frequency")
    )
    periods = {p.pk: period_of(chosen.get(p.pk, Frequency.WEEKLY), today) for p in people}
    sent = set(
        Digest.objects.filter(user__in=people, period__in=set(periods.values())).values_list(
            "user_id", "period"
        )
    )
    for person in people:
        reminders = reminders_for(person, today)
        run.notified += refresh(person, today, reminders)
        if chosen.get(person.pk, Frequency.WEEKLY) == Frequency.NONE:
            run.not_wanted += 1
        elif (person.pk, periods[person.pk]) in sent:
            run.already += 1
        elif not reminders:
            run.nothing += 1
        else:
            send_digest.enqueue(
                user_id=person.pk,
                period=periods[person.pk],
                today=today.isoformat(),
                base_url=base_url,
            )
            run.sent += 1
    return run
