import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fidelis.commandline import read_bytes
from fidelis.outcomes import importer
from fidelis.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Work with a programme's routine measures (see docs/guide/outcomes.md). 'import "
        "FILE --programme SLUG' adds monthly values from a CSV (UTF-8) or Excel (.xlsx) "
        "file with the columns team, period, measure, and value or numerator and "
        "denominator (or, for the CSQ-8, one row per return with its answers in q1 to q8). "
        "Every row is checked first: a file with any problem is refused, each "
        "problem printed as FILE:LINE: message, the command exits 1 and nothing is saved. "
        "Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = sub.add_parser("import", help="Import a file of monthly values.")
        importing.add_argument("file", help="CSV or .xlsx file, one row per team, month, measure")
        importing.add_argument(
            "--programme", required=True, metavar="SLUG", help="The programme's slug"
        )

    def handle(self, *args, action, file, programme, verbosity=1, **options):
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            raise CommandError(f"no programme {programme!r}")
        content = read_bytes(file)
        stream = getattr(self.stderr, "_out", sys.stderr)
        try:
            rows = importer.read_rows(file, content)
            values = importer.check(
                rows,
                found,
                progress=lambda lines: tqdm(
                    lines,
                    total=len(rows),
                    desc="Checking rows",
                    unit="row",
                    file=stream,
                    disable=verbosity == 0,
                ),
            )
        except importer.ImportRefused as refused:
            for problem in refused.problems:
                self.stdout.write(f"{file}:{problem.removeprefix('line ')}")
            raise CommandError(
                f"{file}: {len(refused.problems)} problem"
                f"{'s' if len(refused.problems) != 1 else ''}; nothing was imported"
            ) from None
        outcome = importer.save(values)
        self.stdout.write(
            f"{outcome.created} new values, {outcome.changed} changed, {outcome.unchanged} "
            f"already as in the file ({found.name})"
        )
