"""Walking a review through its life with the action functions, for tests."""

import datetime

from fidelis.programmes.models import ReviewTimepoint, Team
from fidelis.reviews import actions
from fidelis.reviews.models import PanelRole, Status


def new_timepoint(programme, key="18m", month=18):
    return ReviewTimepoint.objects.create(
        programme=programme, key=key, label=f"{month} months", month=month, order=month
    )


def planned_review(programme, users, team_slug="fenwick-crisis-team", key="18m"):
    team = Team.objects.get(slug=team_slug)
    review = actions.plan_review(
        team=team,
        timepoint=new_timepoint(programme, key),
        visit_date=datetime.date(2027, 5, 4),
        panel=[(users["reviewer"], PanelRole.CLINICIAN), (users["expert"], PanelRole.EXPERT)],
        by=users["lead"],
    )
    return review


def at_rating(programme, users, **kwargs):
    review = planned_review(programme, users, **kwargs)
    actions.advance(review=review, by=users["lead"])
    actions.advance(review=review, by=users["lead"])
    assert review.__class__.objects.get(pk=review.pk).status == Status.RATING
    return review.__class__.objects.get(pk=review.pk)


def rate_everything(place, *, status="met", level=3, skip=()):
    review = place.review
    for item in review.scale.items.prefetch_related("criteria"):
        if item.number in skip:
            continue
        definition = item.definition
        if definition.rule.kind == "anchors":
            actions.record_rating(panel_member=place, item=item, anchor_level=level)
        else:
            actions.record_rating(
                panel_member=place,
                item=item,
                decisions={c.letter: (status, list(c.sources)) for c in definition.criteria},
            )


def place_of(review, user):
    return review.panel.get(user=user)


def at_consensus(programme, users, **kwargs):
    review = at_rating(programme, users, **kwargs)
    rate_everything(place_of(review, users["reviewer"]), status="met", level=4)
    rate_everything(place_of(review, users["expert"]), status="not_met", level=2)
    actions.submit_ratings(panel_member=place_of(review, users["reviewer"]))
    actions.submit_ratings(panel_member=place_of(review, users["expert"]))
    return review.__class__.objects.get(pk=review.pk)


def agree_everything(review, user, status="met", level=4):
    for consensus in review.consensus.select_related("item"):
        definition = consensus.item.definition
        actions.save_consensus(
            consensus=consensus,
            expected_version=consensus.version,
            decisions={c.letter: (status, list(c.sources)) for c in definition.criteria},
            anchor_level=level,
            rationale="Evidence from case notes and staff agreed.",
            agreed=True,
            by=user,
        )


def finalised(programme, users, **kwargs):
    review = at_consensus(programme, users, **kwargs)
    agree_everything(review, users["reviewer"])
    actions.advance(review=review, by=users["reviewer"])
    actions.save_recommendations(review=review, recommendations="Keep going.", by=users["reviewer"])
    return actions.finalise(review=review, by=users["reviewer"])
