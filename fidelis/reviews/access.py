"""Who may see and do what in a fidelity review. Every review view decides access here.

Rules, in words:
- The programme lead sees every review. Panel members see the reviews they are on.
- A team's facilitators and managers see its reviews being planned and prepared (the
  date, the panel, the checklist of what to send) but no rating before finalising.
- Everyone else who may open the team's page (team members, senior sponsors, reviewers
  not on the panel) sees a review only once it is finalised.
- The lead and the panel run the review: preparation, routine data, moving it on,
  consensus, recommendations, finalising and amendments. Who sits on the panel is the
  lead's decision alone.
- Independent ratings are blind: a panel member rates on their own rating pages and sees
  only their own ratings until they submit; then they see the ratings of those who have
  submitted. Once consensus opens every panel member sees every rating. The lead sees
  them all throughout.
- The feedback report exists once consensus starts (it has agreed scores to show): the
  lead and the panel read the draft; the team and everyone else who may see the finalised
  review read it once it is finalised.
- Inter-rater agreement across a programme is for the lead, reviewers and evaluators
  (evaluators see teams only under their pseudonyms).

Denied is 404 for a review the user may not know exists, 403 otherwise.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from fidelis.programmes import access as programme_access
from fidelis.programmes.models import Programme, Role
from fidelis.reviews.models import PanelMember, Review, Status

# Team roles that follow a review from planning, before its results are final.
CLOSE_TO_THE_TEAM = frozenset({Role.FACILITATOR, Role.TEAM_MANAGER})


def _on_panel(user, review: Review) -> bool:
    return panel_place(user, review) is not None


def panel_place(user, review: Review) -> PanelMember | None:
    """The user's seat on the review's panel, if they have one."""
    for member in review.panel.all():
        if member.user_id == user.pk:
            return member
    return None


def panel_review_ids(user):
    """The ids of the reviews the user sits on the panel of (a subquery)."""
    return PanelMember.objects.filter(user=user).values("review_id")


def reviews_visible_to(user, queryset=None):
    queryset = Review.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    s = programme_access.scopes(user)
    return queryset.filter(
        Q(team__organisation__programme_id__in=s.programmes_with(Role.LEAD))
        | Q(pk__in=panel_review_ids(user))
        | Q(team_id__in=s.teams_with(*CLOSE_TO_THE_TEAM))
        # Finalised reviews of the teams whose page the user may open (the same rule as
        # programme_access.teams_visible_to, written on the review's own columns).
        | Q(
            status=Status.FINALISED,
            team__organisation__programme_id__in=s.programmes_with(
                *programme_access.PROGRAMME_WIDE_TEAM_VIEWERS
            ),
        )
        | Q(status=Status.FINALISED, team_id__in=s.teams_with())
        | Q(status=Status.FINALISED, team__organisation_id__in=s.organisations_with(Role.SPONSOR))
    )


def can_view_review(user, review: Review) -> bool:
    if not user.is_authenticated:
        return False
    if programme_access.is_lead(user, review.team.organisation.programme):
        return True
    if _on_panel(user, review):
        return True
    if is_close_to_the_team(user, review):
        return True
    return review.is_finalised and programme_access.can_view_team(user, review.team)


def can_manage_review(user, review: Review) -> bool:
    """Prepare the review and move it through its stages: the lead and the panel."""
    if not user.is_authenticated:
        return False
    return programme_access.is_lead(user, review.team.organisation.programme) or _on_panel(
        user, review
    )


def can_change_panel(user, review: Review) -> bool:
    """The panel runs the review; who sits on it is the lead's decision."""
    return programme_access.is_lead(user, review.team.organisation.programme)


def is_close_to_the_team(user, review: Review) -> bool:
    """The team's own manager or facilitator."""
    if not user.is_authenticated:
        return False
    return bool(programme_access.scopes(user).roles_in_team(review.team_id) & CLOSE_TO_THE_TEAM)


def can_prepare(user, review: Review) -> bool:
    """Add to the preparation list, tick it off, enter routine data, choose the team's
    focus: the lead and the panel until finalising; the team's manager and facilitator
    before the visit (until rating opens), since the preparation is the team's own."""
    if review.is_finalised:
        return False
    if can_manage_review(user, review):
        return True
    return review.status in (Status.PLANNED, Status.PREPARATION) and is_close_to_the_team(
        user, review
    )


def can_see_preparation(user, review: Review) -> bool:
    """The preparation list matters until finalising; afterwards only to those who ran it."""
    return can_manage_review(user, review) or not review.is_finalised


def can_rate(user, review: Review) -> bool:
    place = panel_place(user, review)
    return place is not None and not place.has_submitted and review.status == Status.RATING


def can_see_all_ratings(user, review: Review) -> bool:
    """Blind rating: others' independent ratings stay hidden until you submit your own."""
    if not can_view_review(user, review):
        return False
    place = panel_place(user, review)
    if place is not None:
        return place.has_submitted or review.has_reached(Status.CONSENSUS)
    return programme_access.is_lead(user, review.team.organisation.programme)


def panel_with_visible_ratings(user, review: Review) -> list[PanelMember]:
    """The panel members whose independent ratings the user may see side by side. Before
    consensus opens only those who have submitted: nobody's unsubmitted ratings show."""
    if not can_see_all_ratings(user, review):
        return []
    opened = review.has_reached(Status.CONSENSUS)
    return [m for m in review.panel.all() if m.has_submitted or opened]


def can_edit_consensus(user, review: Review) -> bool:
    return review.status in (Status.CONSENSUS, Status.REPORT) and can_manage_review(user, review)


def can_change_consensus_item(user, review: Review) -> bool:
    """Change an agreed item: at consensus and report, or as an amendment once final."""
    return can_edit_consensus(user, review) or can_amend(user, review)


def can_view_report(user, review: Review) -> bool:
    if not review.has_reached(Status.CONSENSUS):
        return False
    if review.is_finalised:
        return can_view_review(user, review)
    return can_manage_review(user, review)


def can_finalise(user, review: Review) -> bool:
    """At the report stage, with the recommendations written, for those managing it."""
    return (
        review.status == Status.REPORT
        and bool(review.recommendations.strip())
        and can_manage_review(user, review)
    )


def can_amend(user, review: Review) -> bool:
    return review.is_finalised and can_manage_review(user, review)


def can_plan_reviews(user, programme: Programme) -> bool:
    return programme_access.is_lead(user, programme)


def sees_pseudonyms_only(user, programme: Programme) -> bool:
    return programme_access.sees_pseudonyms_only(user, programme)


def can_view_agreement(user, programme: Programme) -> bool:
    return programme_access.is_lead(user, programme) or programme_access.has_role(
        user, programme, Role.REVIEWER, Role.EXPERT_REVIEWER, Role.EVALUATOR
    )


# Lookups for views ------------------------------------------------------------------------


def review_for_view(user, review_id: int) -> Review:
    review = (
        Review.objects.select_related(
            "team__organisation__programme", "timepoint", "scale", "finalised_by"
        )
        .prefetch_related("panel__user")
        .filter(pk=review_id)
        .first()
    )
    if review is None or not can_view_review(user, review):
        raise Http404("No such review")
    return review


def review_for_management(user, review_id: int) -> Review:
    review = review_for_view(user, review_id)
    if not can_manage_review(user, review):
        raise PermissionDenied("Only the programme lead and the review panel can do this.")
    return review


def review_for_panel_change(user, review_id: int) -> Review:
    review = review_for_management(user, review_id)
    if not can_change_panel(user, review):
        raise PermissionDenied("Only the programme lead changes the panel.")
    return review


def review_for_preparation(user, review_id: int, *, changing: bool = True) -> Review:
    """The review whose preparation (checklist, routine data, the team's focus) the user
    takes part in; a change is refused once the user's part is over."""
    review = review_for_view(user, review_id)
    if not (can_manage_review(user, review) or is_close_to_the_team(user, review)):
        raise PermissionDenied(
            "Only the programme lead, the panel and the team's manager and facilitator "
            "prepare a review."
        )
    # The team's part ends when rating opens; the lead and the panel may still look.
    if (changing or not can_manage_review(user, review)) and not can_prepare(user, review):
        if review.is_finalised:
            raise PermissionDenied("This review is finalised.")
        raise PermissionDenied("Rating has started: the panel keeps the preparation from here.")
    return review


def preparation_item_for_edit(user, review_id: int, item_id: int):
    review = review_for_preparation(user, review_id)
    item = review.preparation.filter(pk=item_id).first()
    if item is None:
        raise Http404("No such preparation item")
    return review, item


def place_for_rating(user, review_id: int) -> tuple[Review, PanelMember]:
    """The review and the user's seat on its panel: only panel members have rating pages."""
    review = review_for_view(user, review_id)
    place = panel_place(user, review)
    if place is None:
        raise PermissionDenied("Only the review's panel members have rating pages.")
    return review, place


def review_for_ratings(user, review_id: int) -> Review:
    """A review whose independent ratings the user may see side by side."""
    review = review_for_view(user, review_id)
    if not can_see_all_ratings(user, review):
        raise PermissionDenied("Independent ratings stay hidden until you submit your own.")
    return review


def review_for_report(user, review_id: int) -> Review:
    review = review_for_view(user, review_id)
    if not can_view_report(user, review):
        raise Http404("The report is not written yet")
    return review


def review_for_recommendations(user, review_id: int) -> Review:
    review = review_for_management(user, review_id)
    if not review.has_reached(Status.CONSENSUS):
        raise PermissionDenied("Recommendations are written after consensus starts.")
    return review


def programme_for_planning(user, slug: str) -> Programme:
    programme = programme_access.programme_for_view(user, slug)
    if not can_plan_reviews(user, programme):
        raise PermissionDenied("Only the programme lead can do this.")
    return programme


def programme_for_agreement(user, slug: str) -> Programme:
    programme = programme_access.programme_for_view(user, slug)
    if not can_view_agreement(user, programme):
        raise PermissionDenied("Inter-rater agreement is for the lead, reviewers and evaluators.")
    return programme
