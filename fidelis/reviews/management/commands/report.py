import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from fidelis.programmes.models import Programme
from fidelis.reviews.models import Review
from fidelis.reviews.report import report_pdf, warm_up


class Command(BaseCommand):
    help = (
        "Write reports as files. 'reviews --programme SLUG --out DIR' writes the feedback "
        "report PDF of every finalised review in the programme to DIR (created if need be), "
        "one file per review named TEAM-TIMEPOINT.pdf, e.g. ashby-crisis-resolution-team-"
        "baseline.pdf. Unfinalised reviews are left out: teams see only finalised reports."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        reviews = sub.add_parser(
            "reviews",
            help="The feedback report PDF of every finalised review in a programme.",
            description="Write the feedback report PDF of every finalised review in a "
            "programme, with a progress bar on standard error.",
        )
        reviews.add_argument(
            "--programme",
            required=True,
            metavar="SLUG",
            help="The programme's short name, as in its web address (e.g. crisis-care-2026)",
        )
        reviews.add_argument(
            "--out",
            required=True,
            metavar="DIR",
            help="Folder to write the PDFs to; created if it does not exist, and files of "
            "the same name are replaced",
        )

    def handle(self, *args, kind, **options):
        return getattr(self, f"_{kind}")(**options)

    def _reviews(self, programme, out, verbosity=1, **options):
        found = Programme.objects.filter(slug=programme).first()
        if found is None:
            known = ", ".join(Programme.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"no programme {programme}; known programmes: {known or 'none'}")
        reviews = list(
            Review.objects.finalised()
            .filter(team__organisation__programme=found)
            .select_related("team__organisation", "timepoint")
            .order_by("team__name", "visit_date")
        )
        if not reviews:
            self.stdout.write(f"{found.name} has no finalised reviews yet: no reports written.")
            return
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"{out}: cannot create the folder ({error.strerror})") from None
        names = _file_names(reviews)
        warm_up()
        stream = getattr(self.stderr, "_out", sys.stderr)
        bar = tqdm(
            reviews, desc="Feedback reports", unit="report", file=stream, disable=verbosity == 0
        )
        for review in bar:
            bar.set_postfix_str(f"{review.team.name}, {review.timepoint.label}", refresh=False)
            path = folder / names[review.pk]
            try:
                path.write_bytes(report_pdf(review))
            except OSError as error:
                raise CommandError(f"{path}: cannot write ({error.strerror})") from None
        count = len(reviews)
        self.stdout.write(f"{count} report{'s' if count != 1 else ''} written to {folder}")


def _file_names(reviews) -> dict[int, str]:
    """TEAM-TIMEPOINT.pdf; a team slug is unique only within its organisation, so a slug two
    organisations share gets the organisation's slug in front."""
    by_slug: dict[str, set[int]] = {}
    for review in reviews:
        by_slug.setdefault(review.team.slug, set()).add(review.team.organisation_id)
    names = {}
    for review in reviews:
        team = review.team
        stem = team.slug
        if len(by_slug[team.slug]) > 1:
            stem = f"{team.organisation.slug}-{team.slug}"
        names[review.pk] = f"{stem}-{review.timepoint.key}.pdf"
    return names
