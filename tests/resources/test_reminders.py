"""Reminders: in-app notifications (a count in the header, a page to read and clear them)
and the email digest, sent once per period by `fidelis send-digests`, with a plain-text
part and a link to the person's settings."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from fidelis.improvement.models import Action
from fidelis.resources import actions, notify
from fidelis.resources.models import Digest, Notification, ReminderSettings, Resource
from fidelis.resources.reminders import reminders_for
from fidelis.resources.tasks import send_digest
from tests.conftest import page_text

OVERDUE = "Try a single point of access with the liaison team"


def send(**options) -> str:
    out = io.StringIO()
    call_command("send-digests", stdout=out, **options)
    return out.getvalue()


def test_member_gets_a_digest_listing_the_overdue_action_once(users, settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    summary = send(user="member")
    printed = capsys.readouterr().out
    assert "1 digest sent" in summary
    assert "To: member@demo.fidelis.invalid" in printed
    assert f"Overdue: {OVERDUE}" in printed
    assert reverse("reminder_settings") in printed  # the way to change or stop it
    again = send(user="member")
    assert "0 digests sent" in again and "1 already sent this period" in again
    assert "To: member@" not in capsys.readouterr().out
    assert Digest.objects.filter(user=users["member"]).count() == 1


def test_the_digest_has_a_plain_text_and_an_html_part(users):
    send(user="member")
    (message,) = mail.outbox
    assert message.subject.startswith("Fidelis: ")
    assert f"Overdue: {OVERDUE}" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and OVERDUE in html
    assert "unsubscribe" in html.lower()
    assert reverse("reminder_settings") in message.body
    assert reverse("reminder_settings") in message.extra_headers["List-Unsubscribe"]


def test_a_person_who_chose_no_email_gets_none(users):
    ReminderSettings.objects.create(user=users["member"], frequency="none")
    assert "1 who chose no email" in send(user="member")
    assert mail.outbox == []


def test_a_daily_digest_goes_each_day_and_a_weekly_one_once_a_week(users):
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    send(user="member", date=str(monday))
    send(user="member", date=str(monday + datetime.timedelta(days=2)))
    assert len(mail.outbox) == 1  # weekly: one for the week
    notify.set_frequency(users["member"], "daily")
    send(user="member", date=str(monday + datetime.timedelta(days=3)))
    send(user="member", date=str(monday + datetime.timedelta(days=3)))
    assert len(mail.outbox) == 2


def test_nothing_to_remind_sends_nothing(users):
    Action.objects.filter(owner=users["member"]).update(status="done")
    assert "1 with nothing to remind" in send(user="member", date="2031-01-06")
    assert mail.outbox == []


def test_the_command_refuses_bad_input_clearly(db):
    with pytest.raises(CommandError, match="is not a date: give it as YYYY-MM-DD"):
        send(date="04/12/2026")
    with pytest.raises(CommandError, match="No one has the username nobody"):
        send(user="nobody")


def test_notifications_count_in_the_header_and_clear(as_user, users):
    member = as_user("member")
    page = member.get(reverse("notifications"))
    text = page_text(page)
    assert f"Overdue: {OVERDUE}" in text
    unread = Notification.objects.filter(user=users["member"], read_at__isnull=True).count()
    assert unread >= 1
    assert f"Notifications ({unread})" in page_text(member.get(reverse("home")))
    member.post(reverse("notifications"), {"action": "read"})
    assert not Notification.objects.filter(user=users["member"], read_at__isnull=True).exists()
    assert "Notifications (" not in page_text(member.get(reverse("home")))
    member.post(reverse("notifications"), {"action": "clear"})
    assert OVERDUE not in page_text(member.get(reverse("notifications")))
    # Cleared things are not notified again (same key), until their date moves.
    assert notify.refresh(users["member"], timezone.localdate()) == 0
    Action.objects.filter(title=OVERDUE).update(due_on=timezone.localdate())
    assert notify.refresh(users["member"], timezone.localdate()) == 1
    assert "Due: " + OVERDUE in page_text(member.get(reverse("notifications")))


def test_opening_a_notification_marks_it_read_and_goes_there(as_user, users):
    notify.refresh(users["member"], timezone.localdate())
    found = Notification.objects.filter(user=users["member"], kind="action_overdue").first()
    response = as_user("member").post(reverse("notification_open", args=[found.pk]))
    assert response.status_code == 302 and response["Location"] == found.href
    found.refresh_from_db()
    assert found.read_at is not None
    assert as_user("manager").post(reverse("notification_open", args=[found.pk])).status_code == 404


def test_reminders_gather_each_kind(users):
    today = timezone.localdate()
    kinds = {r.kind for r in reminders_for(users["member"], today)}
    assert "action_overdue" in kinds
    sponsor = {r.kind for r in reminders_for(users["sponsor"], today)}
    assert "sign_off" in sponsor  # Corran's plan awaits the sponsor


def test_settings_page_saves_the_choice(as_user, users):
    client = as_user("member")
    assert "Once a week" in page_text(client.get(reverse("reminder_settings")))
    refused = client.post(reverse("reminder_settings"), {"frequency": "hourly"})
    assert refused.status_code == 400
    assert notify.frequency_of(users["member"]) == "weekly"
    client.post(reverse("reminder_settings"), {"frequency": "daily"})
    assert notify.frequency_of(users["member"]) == "daily"


def test_two_runs_at_once_still_send_one_digest(users):
    """The task itself refuses a second digest for a period (two schedulers, say, both
    finding none sent yet)."""
    today = timezone.localdate()
    period = notify.period_of("weekly", today)
    first = send_digest.call(user_id=users["member"].pk, period=period, today=str(today))
    second = send_digest.call(user_id=users["member"].pk, period=period, today=str(today))
    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1


def test_an_overdue_action_is_noted_again_each_week(users):
    today = timezone.localdate()
    notify.refresh(users["member"], today)
    assert notify.refresh(users["member"], today + datetime.timedelta(days=1)) in (0, 1)
    later = today + datetime.timedelta(days=7)
    keys = {r.key for r in reminders_for(users["member"], later) if r.kind == "action_overdue"}
    known = set(Notification.objects.filter(user=users["member"]).values_list("key", flat=True))
    assert keys and not keys & known


def test_the_lead_and_the_sharer_hear_about_a_shared_resource(users):
    today = timezone.localdate()
    waiting = Resource.objects.get(status="pending")
    lead = [r for r in reminders_for(users["lead"], today) if r.kind == "library"]
    assert any(waiting.title in r.text and r.text.startswith("Approve or decline") for r in lead)
    actions.decline(resource=waiting, by=users["lead"], reason="Take the names out.")
    sharer = waiting.added_by
    told = [r for r in reminders_for(sharer, today) if r.kind == "library"]
    assert f"Not approved: {waiting.title}" in [r.text for r in told]
    assert sharer != users["lead"]
    assert not any(
        waiting.title in r.text for r in reminders_for(users["lead"], today) if r.kind == "library"
    )
