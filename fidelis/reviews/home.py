"""The reviews' part of the home page: reviews to rate, consensus to agree, reports to
finish and read, added to the sections the programmes' part made."""

from django.db.models import Count, Q
from django.urls import reverse

from fidelis.pages import HomePage, Link
from fidelis.programmes.models import Role
from fidelis.reviews.models import PanelMember, Review, Status

#: How many reviews in progress the lead's section lists before summing up the rest.
FOLLOW_UP_LIMIT = 5


def next_steps(page: HomePage) -> None:
    for section in page.sections:
        extend_section(section, section.role, page.user, section.memberships)


def navigation(user) -> list[Link]:
    return [Link("Reviews", reverse("review_list"))]


def extend_section(section, role, user, group) -> None:
    """Add review tasks to a home page section (reviews to rate, reports to read)."""
    programme = section.programme
    if role in (Role.REVIEWER, Role.EXPERT_REVIEWER):
        places = (
            PanelMember.objects.filter(user=user, review__team__organisation__programme=programme)
            .exclude(review__status=Status.FINALISED)
            .select_related("review__team", "review__timepoint")
            .annotate(rated=Count("ratings", filter=Q(ratings__score__isnull=False)))
        )
        n_items = programme.scale.items.count() if programme.scale else 0
        for place in places:
            review = place.review
            name = f"{review.team.name}, {review.timepoint.label} review"
            if review.status == Status.RATING and not place.has_submitted:
                left = n_items - place.rated
                section.next_steps.append(
                    Link(
                        f"Rate {left} more item{'s' if left != 1 else ''}: {name}",
                        reverse("rate_index", args=[review.pk]),
                        f"You have rated {place.rated} of {n_items}. Others' ratings stay hidden "
                        "until you submit.",
                    )
                )
            elif review.status == Status.RATING:
                section.next_steps.append(
                    Link(
                        f"Waiting for the rest of the panel: {name}",
                        review.get_absolute_url(),
                        "Consensus opens when everyone has submitted.",
                    )
                )
            elif review.status == Status.CONSENSUS:
                section.next_steps.append(
                    Link(
                        f"Agree consensus scores: {name}",
                        reverse("consensus_index", args=[review.pk]),
                    )
                )
            elif review.status == Status.REPORT:
                section.next_steps.append(
                    Link(
                        f"Finish and finalise the report: {name}",
                        reverse("review_report", args=[review.pk]),
                    )
                )
            else:
                section.next_steps.append(
                    Link(
                        f"Upcoming: {name} on {review.visit_date:%-d %B %Y}",
                        review.get_absolute_url(),
                    )
                )
        section.links.append(
            Link("Inter-rater agreement", reverse("agreement", args=[programme.slug]))
        )
        section.links.append(Link("All your reviews", reverse("review_list")))
    elif role == Role.LEAD:
        # A programme's reviews are those at its timepoints: counted from the index of
        # reviews by timepoint and status, never the review rows.
        reviews = Review.objects.filter(timepoint__programme=programme)
        by_status = dict(reviews.order_by().values_list("status").annotate(n=Count("pk")))
        finalised = by_status.pop(Status.FINALISED, 0)
        active = sum(by_status.values())
        section.facts.insert(2, ("Reviews", f"{finalised} finalised, {active} in progress"))
        # The first few in order of their visits, then their panels' counts for those alone.
        first = reviews.in_progress().order_by("visit_date", "pk")
        in_progress = (
            Review.objects.filter(pk__in=list(first.values_list("pk", flat=True)[:FOLLOW_UP_LIMIT]))
            .select_related("team", "timepoint")
            .defer("recommendations", "agreement", "agreed_scores", "focus_items")
            .annotate(waiting=Count("panel", filter=Q(panel__submitted_at__isnull=True)))
            .order_by("visit_date", "pk")
        )
        if active > FOLLOW_UP_LIMIT:
            section.more = Link(f"See all {active} reviews in progress", reverse("review_list"), "")
        for review in in_progress:
            name = f"{review.team.name}, {review.timepoint.label} review"
            if review.status == Status.RATING and review.waiting:
                meta = (
                    f"Independent rating: {review.waiting} reviewer"
                    f"{'s have' if review.waiting != 1 else ' has'} not submitted yet."
                )
            else:
                meta = f"Stage: {review.get_status_display().lower()}."
            section.next_steps.append(Link(f"Follow up: {name}", review.get_absolute_url(), meta))
        section.links.append(Link("Plan a review", reverse("review_plan", args=[programme.slug])))
        section.links.append(Link("All reviews", reverse("review_list")))
        section.links.append(
            Link("Inter-rater agreement", reverse("agreement", args=[programme.slug]))
        )
    elif role == Role.EVALUATOR:
        section.links.append(
            Link(
                "Inter-rater agreement (pseudonymised)", reverse("agreement", args=[programme.slug])
            )
        )
    elif role in (Role.FACILITATOR, Role.TEAM_MANAGER, Role.TEAM_MEMBER, Role.SPONSOR):
        if role == Role.SPONSOR:
            teams = [t.pk for m in group for t in m.organisation.teams.all()]
        else:
            teams = [m.team_id for m in group]
        reviews = (
            Review.objects.filter(team_id__in=teams)
            .select_related("team", "timepoint")
            .order_by("team__name", "-visit_date")
        )
        latest: dict[int, Review] = {}
        for review in reviews:
            if review.status == Status.FINALISED:
                latest.setdefault(review.team_id, review)
            elif role in (Role.FACILITATOR, Role.TEAM_MANAGER) and review.status not in (
                Status.PLANNED,
                Status.PREPARATION,
            ):
                section.links.append(
                    Link(
                        f"{review.team.name}, {review.timepoint.label} review: "
                        f"{review.get_status_display().lower()} under way",
                        review.get_absolute_url(),
                    )
                )
            elif role in (Role.FACILITATOR, Role.TEAM_MANAGER):
                section.next_steps.append(
                    Link(
                        f"Prepare for the {review.timepoint.label} review of {review.team.name} "
                        f"({review.visit_date:%-d %B %Y})",
                        review.get_absolute_url(),
                        "Check the list of what the team sends and the day's schedule.",
                    )
                )
        for review in latest.values():
            section.links.append(
                Link(
                    f"Latest feedback report: {review.team.name}, {review.timepoint.label}",
                    reverse("review_report", args=[review.pk]),
                )
            )
