"""Inter-rater agreement on independent (pre-consensus) item scores, for one review and
across a programme, from fidelis.lib.agreement."""

from dataclasses import dataclass

from fidelis.lib.agreement import Rating as LongRating
from fidelis.lib.agreement import interpret_alpha, interpret_icc, summarise
from fidelis.programmes import access
from fidelis.reviews.models import Rating, Review, Status


@dataclass
class AgreementSummary:
    label: str
    n_units: int
    n_raters: int
    icc: dict
    alpha: dict
    exact: float | None
    adjacent: float | None

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


def _summary(label: str, ratings: list[LongRating]) -> AgreementSummary:
    result = summarise(ratings)
    return AgreementSummary(
        label=label,
        n_units=result["n_units"],
        n_raters=result["n_raters"],
        icc=result["icc"],
        alpha=result["alpha"],
        exact=result["exact_agreement"],
        adjacent=result["adjacent_agreement"],
    )


def review_agreement(review: Review) -> AgreementSummary | None:
    """Agreement between the reviewers who have submitted; None until two have."""
    rows = list(
        Rating.objects.filter(
            panel_member__review=review,
            panel_member__submitted_at__isnull=False,
            score__isnull=False,
        ).values_list("item__number", "panel_member__user_id", "score")
    )
    if len({r[1] for r in rows}) < 2:
        return None
    return _summary(str(review), [LongRating(str(i), str(u), float(s)) for i, u, s in rows])


def programme_agreement(programme, *, user) -> dict:
    """Per finalised review, and overall: items x reviewers, with the panel role as the
    rater position so reviews with different people can be pooled."""
    reviews = (
        Review.objects.filter(team__organisation__programme=programme, status=Status.FINALISED)
        .select_related("team__organisation__programme", "timepoint")
        .order_by("timepoint__order", "team__name")
    )
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
    per_review, pooled = [], []
    for review in reviews:
        rows = by_review.get(review.pk, [])
        if len({r[2] for r in rows}) < 2:
            continue
        label = f"{access.team_label(user, review.team)}, {review.timepoint.label}"
        per_review.append(
            _summary(label, [LongRating(str(i), str(u), float(s)) for i, _, u, s in rows])
        )
        # The rater is the panel seat: the role, numbered when a panel has two of one role
        # (two clinicians, say), so pooled reviews line up seat by seat.
        seats: dict[int, str] = {}
        counts: dict[str, int] = {}
        for _, role, user_id, _ in sorted(rows, key=lambda r: (r[1], r[2])):
            if user_id not in seats:
                counts[role] = counts.get(role, 0) + 1
                seats[user_id] = f"{role}-{counts[role]}"
        pooled.extend(
            LongRating(f"{review.pk}:{i}", seats[user_id], float(s)) for i, _, user_id, s in rows
        )
    # Sorted by the label shown: an order by real name would let pseudonyms be matched.
    per_review.sort(key=lambda summary: summary.label)
    overall = _summary("All finalised reviews", pooled) if pooled else None
    return {"overall": overall, "reviews": per_review}
