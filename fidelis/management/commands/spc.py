import json

from django.core.management.base import BaseCommand, CommandError

from fidelis.commandline import read_text
from fidelis.lib.spc import DIRECTIONS, MIN_FIX_AFTER, parse_period, read_series_csv, xmr_chart


class Command(BaseCommand):
    help = (
        "Draw the XmR statistical process control chart of one measure over time, by the NHS "
        "Making Data Count rules (as NHSRplotthedots 0.2 computes them), and print it as one "
        "JSON object: each group's mean and limits, each point's special-cause rules and "
        "type, the variation shown by the last point and the assurance against a target. "
        "FILE is a CSV file with the columns period,value; a period is an integer (7), a "
        "month (2025-04) or a day (2025-04-30), written the same way on every row, in "
        "order. A malformed file is refused with its line number and exit status 1. See "
        "docs/spc.md."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with the columns period,value")
        parser.add_argument(
            "--direction",
            choices=DIRECTIONS,
            default="increase",
            help="Which way is better: increase (the default), decrease, or neutral.",
        )
        parser.add_argument(
            "--target",
            type=float,
            help="A target value: the chart's assurance says whether the process will "
            "consistently meet it, consistently miss it, or sometimes each.",
        )
        parser.add_argument(
            "--rebase",
            action="append",
            default=[],
            metavar="PERIOD",
            help="A period that starts a new group with its own mean and limits, written "
            "as in the file (repeat for more than one).",
        )
        parser.add_argument(
            "--fix-after",
            type=int,
            metavar="N",
            help=f"Set each group's mean and limits from its first N points (N at least "
            f"{MIN_FIX_AFTER}); later points are judged against them.",
        )
        parser.add_argument(
            "--no-screen-outliers",
            action="store_true",
            help="Keep unusually large moving ranges when working out the limits (they "
            "are screened out by default, as in the Making Data Count spreadsheet).",
        )

    def handle(self, *args, file, direction, target, rebase, fix_after, **options):
        try:
            series = read_series_csv(read_text(file))
        except ValueError as error:
            raise CommandError(f"{file}: {error}") from None
        try:
            rebase_periods = [parse_period(period) for period in rebase]
        except ValueError as error:
            raise CommandError(f"--rebase: {error}") from None
        try:
            chart = xmr_chart(
                series,
                direction=direction,
                target=target,
                rebase=rebase_periods,
                fix_after=fix_after,
                screen_outliers=not options["no_screen_outliers"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(chart.to_dict(), indent=2))
