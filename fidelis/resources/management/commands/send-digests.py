"""`fidelis send-digests`: refresh everyone's notifications and send the email digests due."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fidelis.resources.notify import people_to_remind, send_digests


class Command(BaseCommand):
    help = (
        "Refresh everyone's in-app notifications (actions due or overdue, reviews coming and "
        "ratings waiting, plans awaiting sign-off, meetings and learning events) and email "
        "each person who wants one the digest for this period: daily, or weekly (the ISO "
        "week) by default, as each person chooses in their reminder settings. Running it "
        "again in the same period sends nothing twice, so it is safe to run from a daily "
        "scheduler. Nobody is emailed when there is nothing to remind them of."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="The day to send for (default today): what counts as due and which period.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Only this person (their username).",
        )
        parser.add_argument(
            "--base-url",
            metavar="URL",
            help="The address links in the emails start with, when FIDELIS_BASE_URL is not "
            "set (such as https://fidelis.example.org).",
        )

    def handle(self, *args, **options):
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(
                    f"--date {options['date']} is not a date: give it as YYYY-MM-DD."
                ) from None
        else:
            today = timezone.localdate()
        people = people_to_remind()
        if options["user"]:
            if not get_user_model().objects.filter(username=options["user"]).exists():
                raise CommandError(f"No one has the username {options['user']}.")
            people = people.filter(username=options["user"])
            if not people.exists():
                raise CommandError(
                    f"{options['user']} has no role in a programme or no email address, so "
                    "has no digest."
                )
        run = send_digests(today, people=people, base_url=options["base_url"])
        self.stdout.write(
            f"{run.sent} digest{'s' if run.sent != 1 else ''} sent for {today:%-d %B %Y}; "
            f"{run.already} already sent this period, {run.nothing} with nothing to remind, "
            f"{run.not_wanted} who chose no email. {run.notified} new notification"
            f"{'s' if run.notified != 1 else ''}."
        )
