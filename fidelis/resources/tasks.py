"""Background work: a person's email digest (immediate in development and tests, a
database worker in production)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import engines
from django.urls import reverse
from django_tasks import task

from fidelis.resources.models import Digest
from fidelis.resources.reminders import grouped, reminders_for


def digest_message(user, reminders, base: str) -> EmailMultiAlternatives:
    """The digest as an email with a plain-text and an HTML part, each ending with the link
    to the person's reminder settings (where they choose daily, weekly or none)."""
    settings_link = base + reverse("reminder_settings")
    context = {
        "user": user,
        "groups": grouped(reminders),
        "base": base,
        "settings_link": settings_link,
        "notifications_link": base + reverse("notifications"),
        "count": len(reminders),
    }
    text = engines["django"].get_template("emails/digest.txt").render(context)
    html = engines["jinja2"].get_template("resources/digest_email.jinja").render(context)
    things = f"{len(reminders)} thing{'s' if len(reminders) != 1 else ''}"
    message = EmailMultiAlternatives(
        f"Fidelis: {things} for you",
        text,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        headers={"List-Unsubscribe": f"<{settings_link}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


@task()
def send_digest(*, user_id: int, period: str, today: str, base_url: str | None = None) -> bool:
    """Send one person's digest for a period, once: the period's record is written in the
    same transaction as the sending, so a failed send is tried again on the next run and a
    second run finds the record and sends nothing. Returns whether an email went."""
    user = get_user_model().objects.get(pk=user_id)
    reminders = reminders_for(user, datetime.date.fromisoformat(today))
    if not reminders or not user.email:
        return False
    base = (settings.FIDELIS_BASE_URL or base_url or "http://127.0.0.1:8000").rstrip("/")
    try:
        with transaction.atomic():
            Digest.objects.create(user=user, period=period, lines=len(reminders))
            digest_message(user, reminders, base).send()
    except IntegrityError:
        return False  # this period's digest has gone already
    return True
