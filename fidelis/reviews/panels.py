"""Review summaries shown on other apps' pages (the team page)."""

from django.db.models import Count, Sum
from django.urls import reverse

from fidelis.programmes import access
from fidelis.reviews.models import ConsensusItem, Review


def team_review_panel(user, team) -> list[dict]:
    """The team's reviews the user may see, newest first, with the agreed total when final."""
    reviews = (
        Review.objects.visible_to(user)
        .filter(team=team)
        .select_related("timepoint", "team__organisation__programme")
        .prefetch_related("panel")
        .order_by("-visit_date")
    )
    # Totals come from a query of their own: annotating the review list would multiply the
    # sums by the joins that decide who may see each review.
    totals = {
        row["review"]: row
        for row in ConsensusItem.objects.filter(review__in=[r.pk for r in reviews])
        .values("review")
        .annotate(total=Sum("score"), n_items=Count("pk"))
    }
    rows = []
    for review in reviews:
        review.total = totals.get(review.pk, {}).get("total")
        review.n_items = totals.get(review.pk, {}).get("n_items", 0)
        summary = ""
        href = review.get_absolute_url()
        if review.is_finalised:
            if review.n_items:
                summary = (
                    f"Total {review.total} over {review.n_items} items, mean item score "
                    f"{review.total / review.n_items:.2f}"
                )
            if access.can_view_report(user, review):
                href = reverse("review_report", args=[review.pk])
        rows.append({"review": review, "href": href, "summary": summary})
    return rows
