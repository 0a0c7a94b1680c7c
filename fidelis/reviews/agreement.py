"""Inter-rater agreement on independent (pre-consensus) item scores, for one review and
pooled across a programme, from fidelis.lib.agreement.

A review's figures are worked out once, when consensus opens (every reviewer has submitted
and the independent ratings never change again), and stored on the review. The pooled
figures read every finalised review's ratings, so they are worked out in the background
when a review is finalised (`refresh_programme` through the `refresh_agreement` task) and
stored; the agreement page only reads what is stored.
"""

from dataclasses import dataclass

from django.utils import timezone

from fidelis.lib.agreement import Rating as LongRating
from fidelis.lib.agreement import interpret_alpha, interpret_icc, summarise
from fidelis.reviews.models import ProgrammeAgreement, Rating, Review, Status


@dataclass
class AgreementSummary:
    label: str
    n_units: int
    n_raters: int
    icc: dict
    alpha: dict
    exact: float | None
    adjacent: float | None

    @classmethod
    def of(cls, label: str, figures: dict) -> "AgreementSummary":
        return cls(
            label=label,
            n_units=figures["n_units"],
            n_raters=figures["n_raters"],
            icc=figures["icc"],
            alpha=figures["alpha"],
            exact=figures["exact_agreement"],
            adjacent=figures["adjacent_agreement"],
        )

    # Labels follow the two-decimal figure shown beside them, so "0.75" never reads
    # "moderate" while the key says 0.75 is good.
    @property
    def icc_label(self) -> str:
        value = self.icc.get("ICC2")
        return interpret_icc(None if value is None else round(value, 2))

    @property
    def alpha_label(self) -> str:
        value = self.alpha.get("ordinal")
        return interpret_alpha(None if value is None else round(value, 3))


def review_figures(review: Review) -> dict | None:
    """Agreement between the reviewers who have submitted; None until two have."""
    rows = list(
        Rating.objects.filter(
            panel_member__review=review,
            panel_member__submitted_at__isnull=False,
            score__isnull=False,
        ).values_list("item__number", "panel_member__user_id", "score")
    )
    return figures_of([(item, user, score) for item, user, score in rows])


def figures_of(rows) -> dict | None:
    """The agreement figures of (item, rater, score) rows; None with fewer than two raters."""
    if len({rater for _, rater, _ in rows}) < 2:
        return None
    return summarise([LongRating(str(i), str(r), float(s)) for i, r, s in rows])


def review_agreement(review: Review) -> AgreementSummary | None:
    """The review's agreement: as stored once consensus opened, or so far while rating."""
    figures = review.agreement if review.agreement is not None else review_figures(review)
    return AgreementSummary.of(str(review), figures) if figures else None


def pooled_figures(programme) -> tuple[dict | None, int]:
    """Items x reviewers over every finalised review, with the panel seat as the rater so
    reviews with different people can be pooled; and how many reviews went in."""
    reviews = Review.objects.filter(
        team__organisation__programme=programme, status=Status.FINALISED
    ).values("pk")
    by_review: dict[int, list] = {}
    for review_id, item, role, user_id, score in Rating.objects.filter(
        panel_member__review__in=reviews, score__isnull=False
    ).values_list(
        "panel_member__review_id",
        "item__number",
        "panel_member__role",
        "panel_member__user_id",
        "score",
    ):
        by_review.setdefault(review_id, []).append((item, role, user_id, score))
    pooled, n_reviews = [], 0
    for review_id, rows in by_review.items():
        if len({r[2] for r in rows}) < 2:
            continue
        n_reviews += 1
        # The rater is the panel seat: the role, numbered when a panel has two of one role
        # (two clinicians, say), so pooled reviews line up seat by seat.
        seats: dict[int, str] = {}
        counts: dict[str, int] = {}
        for _, role, user_id, _ in sorted(rows, key=lambda r: (r[1], r[2])):
            if user_id not in seats:
                counts[role] = counts.get(role, 0) + 1
                seats[user_id] = f"{role}-{counts[role]}"
        pooled.extend((f"{review_id}:{i}", seats[user_id], s) for i, _, user_id, s in rows)
    return (figures_of(pooled) if pooled else None), n_reviews


def refresh_programme(programme) -> ProgrammeAgreement:
    """Work out the pooled figures again and store them."""
    figures, n_reviews = pooled_figures(programme)
    stored, _ = ProgrammeAgreement.objects.update_or_create(
        programme=programme,
        defaults={"figures": figures, "n_reviews": n_reviews, "computed_at": timezone.now()},
    )
    return stored


def stored_overall(programme) -> tuple[AgreementSummary | None, ProgrammeAgreement | None]:
    stored = ProgrammeAgreement.objects.filter(programme=programme).first()
    if stored is None or not stored.figures:
        return None, stored
    return AgreementSummary.of("All finalised reviews", stored.figures), stored


def finalised_with_agreement(programme):
    """The programme's finalised reviews whose agreement is stored, for the page to list."""
    return Review.objects.filter(
        team__organisation__programme=programme,
        status=Status.FINALISED,
        agreement__isnull=False,
    ).select_related("team__organisation__programme", "timepoint")
