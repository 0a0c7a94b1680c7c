import json

from django.core.management.base import BaseCommand, CommandError

from fidelis.commandline import read_text
from fidelis.lib.agreement import AgreementInputError, read_long_csv, summarise


class Command(BaseCommand):
    help = (
        "Inter-rater agreement for a CSV of ratings. The file has a header and the columns "
        "unit,rater,score (one row per rating; a blank score is a missing rating). Prints "
        "JSON: n_units, n_raters, the six Shrout and Fleiss intraclass correlations (icc: "
        "ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k; null where the data cannot support one), "
        "Krippendorff's alpha (alpha: nominal, ordinal, interval), exact_agreement and "
        "adjacent_agreement (shares of rater pairs giving equal scores, or scores within one "
        "point)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file with columns unit,rater,score")

    def handle(self, *args, file, **options):
        text = read_text(file)
        try:
            ratings = read_long_csv(text)
        except AgreementInputError as error:
            raise CommandError(f"{file}: {error}") from None
        self.stdout.write(json.dumps(summarise(ratings), indent=2))
