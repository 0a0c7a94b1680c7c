"""The reviews' panel on the team page."""

from django.urls import reverse

from fidelis.pages import Panel
from fidelis.reviews import access
from fidelis.reviews.models import Review


def team_panel(user, team) -> Panel:
    """The team's reviews the user may see, newest first, with the agreed total once final."""
    reviews = (
        access.reviews_visible_to(user, Review.objects.filter(team=team))
        .select_related("timepoint", "team__organisation__programme")
        .prefetch_related("panel")
        .order_by("-visit_date")
    )
    rows = []
    for review in reviews:
        summary = ""
        href = review.get_absolute_url()
        if review.is_finalised:
            summary = review.score_summary
            if access.can_view_report(user, review):
                href = reverse("review_report", args=[review.pk])
        rows.append({"review": review, "href": href, "summary": summary})
    return Panel("Fidelity reviews", "reviews/_team_panel.jinja", {"reviews": rows})
