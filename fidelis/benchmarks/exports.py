"""Agreed scores as CSV and XLSX, holding exactly what the person's dashboard shows.

Two shapes:
- long: one row per review and item (programme, team, organisation where the person may
  see it, timepoint, review date, section, item, criteria met, score);
- wide: one row per review (its total, mean item score, band, section means and every
  item's score).
Teams are labelled as the dashboards label them: by name where the person may open the
team's page (or named benchmarking is on), by pseudonym otherwise, and always by pseudonym
for evaluators, who never see organisations either. Each XLSX has a data dictionary sheet.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404, HttpResponse

from fidelis.benchmarks import access
from fidelis.downloads import FORMATS, table_response
from fidelis.reviews.models import ConsensusItem, Review, Status

KINDS = ("long", "wide")


LONG_COLUMNS = [
    ("programme", "The programme's name."),
    ("team", "The team's name, or its pseudonym where you see the team only by pseudonym."),
    ("organisation", "The team's organisation, where you may see it; empty otherwise."),
    ("timepoint", "The review timepoint: baseline, 6 months, 12 months or another."),
    ("review_date", "The date of the review visit (YYYY-MM-DD)."),
    ("section", "The scale section the item belongs to, by number."),
    ("item", "The item's number in the scale."),
    ("item_title", "The item's title."),
    ("criteria_met", "How many of the item's criteria the panel agreed were met."),
    ("score", "The agreed item score (the scale's levels, 1 to 5 on the demonstration scale)."),
]


def _wide_columns(scale) -> list[tuple[str, str]]:
    return (
        LONG_COLUMNS[:5]
        + [
            ("total", "The review's total: the sum of its agreed item scores."),
            ("mean_item_score", "The mean agreed item score."),
            ("band", "The fidelity band of the mean item score (high, moderate or low)."),
        ]
        + [
            (
                f"section_{s.number}_mean",
                f"Mean agreed item score in section {s.number}: {s.title}.",
            )
            for s in scale.sections
        ]
        + [
            (f"item_{i.number}", f"Agreed score of item {i.number}: {i.title}.")
            for i in scale.items
        ]
    )


def _reviews(programme, teams) -> list[dict]:
    """The finalised reviews on the programme's scale, as plain values (a thousand teams'
    reviews read as model rows would each parse the scale again)."""
    return list(
        Review.objects.filter(team__in=teams, status=Status.FINALISED, scale=programme.scale)
        .order_by("team__name", "timepoint__order", "pk")
        .values(
            "pk",
            "team_id",
            "team__name",
            "team__pseudonym",
            "team__organisation_id",
            "team__organisation__name",
            "timepoint__label",
            "visit_date",
            "total",
            "mean_score",
            "band",
        )
    )


def rows(user, programme, teams, scope, kind: str) -> tuple[list[str], list[list]]:
    """(header, rows) of the export, labelled and filtered as the dashboard is."""
    scale = programme.scale.definition
    bands = {band.key: band.label for band in scale.bands}
    reviews = _reviews(programme, teams)
    ids = [r["pk"] for r in reviews]
    by_review: dict[int, dict[int, tuple]] = {}
    if kind == "long":
        items = (
            ConsensusItem.objects.filter(review_id__in=ids)
            .order_by()
            .annotate(met=Count("criteria", filter=Q(criteria__status="met")))
            .values_list("review_id", "item__number", "score", "met")
        )
    else:
        items = (
            ConsensusItem.objects.filter(review_id__in=ids)
            .order_by()
            .values_list("review_id", "item__number", "score")
        )
    for review_id, number, score, *met in items:
        by_review.setdefault(review_id, {})[number] = (score, met[0] if met else None)
    section_of = {i.number: scale.section_of(i.number).number for i in scale.items}
    rules = access.row_rules(user, programme)

    def head(review) -> list:
        opens, named = rules(review["team_id"], review["team__organisation_id"])
        shows_org = not scope.pseudonyms_only and opens
        return [
            programme.name,
            review["team__name"] if named else review["team__pseudonym"],
            review["team__organisation__name"] if shows_org else "",
            review["timepoint__label"],
            review["visit_date"].isoformat(),
        ]

    out = []
    if kind == "long":
        header = [name for name, _ in LONG_COLUMNS]
        for review in reviews:
            start = head(review)
            own = by_review.get(review["pk"], {})
            for item in scale.items:
                score, met = own.get(item.number, (None, None))
                out.append([*start, section_of[item.number], item.number, item.title, met, score])
    else:
        header = [name for name, _ in _wide_columns(scale)]
        for review in reviews:
            scores = {n: v[0] for n, v in by_review.get(review["pk"], {}).items()}
            section_means = []
            for section in scale.sections:
                values = [
                    scores.get(i.number) for i in section.items if scores.get(i.number) is not None
                ]
                section_means.append(round(sum(values) / len(values), 4) if values else None)
            mean = review["mean_score"]
            out.append(
                [
                    *head(review),
                    review["total"],
                    round(mean, 4) if mean is not None else None,
                    bands.get(review["band"], ""),
                    *section_means,
                    *[scores.get(i.number) for i in scale.items],
                ]
            )
    # Sorted by what is shown, so pseudonymous rows do not follow the teams' real names.
    out.sort(key=lambda r: (r[1], r[4], r[6] if kind == "long" else 0))
    return header, out


def response(user, programme, teams, scope, kind: str, fmt: str, *, name: str = "") -> HttpResponse:
    """The download: named after the team for a team's scores (`name`), else the
    programme."""
    if kind not in KINDS or fmt not in FORMATS or programme.scale is None:
        raise Http404("No such export")
    header, data = rows(user, programme, teams, scope, kind)
    name = f"{name or programme.slug}-scores-{kind}"
    columns = LONG_COLUMNS if kind == "long" else _wide_columns(programme.scale.definition)
    dictionary = [
        ["column", "meaning"],
        *[[column, meaning] for column, meaning in columns],
        [],
        [
            "about",
            f"Agreed scores of finalised reviews in {programme.name}, as your "
            "dashboard shows them. Teams you see only by pseudonym appear so here too.",
        ],
    ]
    return table_response(
        name, fmt, header, data, sheet="Scores", more_sheets=[("Data dictionary", dictionary)]
    )
