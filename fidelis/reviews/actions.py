"""Writes in a review's life: planning, rating, consensus, finalising, amendments."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from fidelis.lib.scoring import CriterionDecision, score_item
from fidelis.pages import contributions
from fidelis.reviews import agreement, scores
from fidelis.reviews.models import (
    Amendment,
    ConsensusCriterion,
    ConsensusItem,
    CriterionRating,
    PanelMember,
    PreparationItem,
    Rating,
    Review,
    RoutineValue,
    Status,
)
from fidelis.reviews.tasks import refresh_agreement
from fidelis.scales.models import Criterion, Item
from fidelis.validators import check_text

DEFAULT_DOCUMENTS = [
    "About ten anonymised case notes of people recently cared for by the team",
    "Operational policy and procedures",
    "Routine data for the last six months (referrals, response times, admissions, discharges)",
    "Staff list with professions and whole-time equivalents (no personal details)",
    "Training records summary",
]
DEFAULT_INTERVIEWS = [
    (datetime.time(9, 30), "Team manager"),
    (datetime.time(10, 30), "Staff group"),
    (datetime.time(12, 0), "Service users (about six)"),
    (datetime.time(13, 30), "Family members and carers (about six)"),
    (datetime.time(14, 30), "Managers of linked services (wards, community teams, GPs)"),
    (datetime.time(15, 30), "Panel meets to compare notes"),
]


#: The longest text each field takes, fitting its purpose (shown beside each field).
TEXT_LIMITS = {
    "label": 200,  # a preparation item
    "notes": 5_000,  # a reviewer's notes on an item
    "rationale": 5_000,  # the panel's reason for an agreed score
    "reason": 2_000,  # why a finalised review is amended
    "recommendations": 10_000,
}


#: How many items a team may choose as its own focus for a review.
FOCUS_LIMIT = 5


class ReviewError(ValueError):
    """An action that the review's current state does not allow; the message says why."""


class StaleConsensus(ReviewError):
    """Someone else saved this consensus item after the editor opened it."""

    def __init__(self, current: ConsensusItem):
        who = current.updated_by.display_name if current.updated_by else "someone else"
        super().__init__(
            f"{who} saved item {current.item.number} after you opened it. Their version is "
            "shown below; your changes were not saved. Check theirs, then make your changes "
            "again."
        )
        self.current = current


@transaction.atomic
def plan_review(*, team, timepoint, visit_date, panel, by) -> Review:
    """Plan a review. `panel` is a list of (user, panel role) pairs."""
    programme = team.organisation.programme
    if programme.scale is None:
        raise ReviewError("Choose the programme's fidelity scale before planning reviews.")
    if timepoint.programme_id != programme.pk:
        # A timepoint belongs to one programme, so its reviews are that programme's.
        raise ReviewError(f"{timepoint.label} is not a timepoint of {programme.name}.")
    if Review.objects.filter(team=team, timepoint=timepoint).exists():
        raise ReviewError(f"{team.name} already has a {timepoint.label} review.")
    if not panel:
        raise ReviewError("A review needs at least one reviewer on its panel.")
    users = [user.pk for user, _ in panel]
    if len(set(users)) != len(users):
        raise ReviewError("Each reviewer can be on the panel only once.")
    review = Review.objects.create(
        team=team,
        timepoint=timepoint,
        scale=programme.scale,
        visit_date=visit_date,
        created_by=by,
    )
    PanelMember.objects.bulk_create(
        PanelMember(review=review, user=user, role=role) for user, role in panel
    )
    PreparationItem.objects.bulk_create(
        [
            PreparationItem(review=review, kind=PreparationItem.Kind.DOCUMENT, label=label, order=i)
            for i, label in enumerate(DEFAULT_DOCUMENTS)
        ]
        + [
            PreparationItem(
                review=review, kind=PreparationItem.Kind.INTERVIEW, label=label, time=time, order=i
            )
            for i, (time, label) in enumerate(DEFAULT_INTERVIEWS)
        ]
    )
    return review


@transaction.atomic
def change_plan(*, review: Review, visit_date, panel) -> Review:
    """Change the visit date and panel before rating starts."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status not in (Status.PLANNED, Status.PREPARATION):
        raise ReviewError("The panel cannot change once rating has started.")
    if not panel:
        raise ReviewError("A review needs at least one reviewer on its panel.")
    review.visit_date = visit_date
    review.save(update_fields=["visit_date"])
    wanted = {user.pk: role for user, role in panel}
    review.panel.exclude(user_id__in=wanted).delete()
    existing = {m.user_id: m for m in review.panel.all()}
    for user, role in panel:
        member = existing.get(user.pk)
        if member is None:
            PanelMember.objects.create(review=review, user=user, role=role)
        elif member.role != role:
            member.role = role
            member.save(update_fields=["role"])
    return review


@transaction.atomic
def add_preparation_item(*, review: Review, kind: str, label: str, time=None, by=None):
    if review.is_finalised:
        raise ReviewError("This review is finalised.")
    if kind not in PreparationItem.Kind.values:
        raise ReviewError(f"'{kind}' is not a kind of preparation item.")
    check_text(label=label, limits=TEXT_LIMITS)
    order = review.preparation.filter(kind=kind).count()
    return PreparationItem.objects.create(
        review=review, kind=kind, label=label, time=time, order=order, added_by=by
    )


def _lock(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


@transaction.atomic
def advance(*, review: Review, by) -> Review:
    """Move the review to its next stage, when the current one allows it."""
    review = _lock(review)
    if review.status == Status.PLANNED:
        review.status = Status.PREPARATION
    elif review.status == Status.PREPARATION:
        review.status = Status.RATING
    elif review.status == Status.RATING:
        waiting = review.panel.filter(submitted_at__isnull=True).select_related("user")
        if waiting:
            names = ", ".join(m.user.display_name for m in waiting)
            raise ReviewError(
                f"Consensus starts when every reviewer has submitted: waiting for {names}."
            )
        _open_consensus(review)
        review.status = Status.CONSENSUS
        # Every reviewer has submitted, so the independent ratings are final.
        review.agreement = agreement.review_figures(review)
    elif review.status == Status.CONSENSUS:
        open_items = review.consensus.filter(agreed=False).count()
        if open_items:
            raise ReviewError(
                f"{open_items} item{'s' if open_items != 1 else ''} still "
                "need an agreed score before the report."
            )
        review.status = Status.REPORT
    else:
        raise ReviewError("Use 'Finalise report' to finish the review.")
    review.save(update_fields=["status", "agreement"])
    return review


def decisions_of(rows) -> dict[str, CriterionDecision]:
    return {
        row.criterion.letter: CriterionDecision(
            row.status or None, frozenset(row.sources or []), frozenset(row.parts or [])
        )
        for row in rows
    }


def normalised(decisions: dict | None) -> dict[str, tuple[str, list, list]]:
    """Decisions as (status, sources, parts) by letter; callers deciding no criterion that
    counts parts may leave the parts out."""
    return {
        letter: (value[0], list(value[1]), list(value[2]) if len(value) > 2 else [])
        for letter, value in (decisions or {}).items()
    }


def check_input(*, review: Review, item: Item, decisions: dict, anchor_level: int | None) -> None:
    """Refuse, with a clear message, decisions the item's scale does not allow. Used by
    independent rating and consensus alike, before anything is written."""
    definition = item.definition
    letters = {c.letter for c in definition.criteria}
    known_sources = set(review.scale.definition.source_codes)
    for letter, (status, sources, parts) in decisions.items():
        if letter not in letters:
            raise ReviewError(f"Item {item.number} has no criterion '{letter}'.")
        labels = definition.criterion(letter).parts
        unknown_parts = set(parts) - set(labels.labels if labels else ())
        if unknown_parts:
            raise ReviewError(f"Criterion {letter} has no part {', '.join(sorted(unknown_parts))}.")
        if status and status not in ("met", "partial", "not_met"):
            raise ReviewError(f"'{status}' is not a decision: choose met, partly met or not met.")
        if status == "partial" and definition.criterion(letter).partial is None:
            raise ReviewError(f"Criterion {letter} cannot be partly met.")
        unknown = set(sources) - known_sources
        if unknown:
            raise ReviewError(f"Unknown evidence source {', '.join(sorted(unknown))}.")
    if anchor_level and anchor_level not in review.scale.definition.level_values:
        levels = ", ".join(str(v) for v in review.scale.definition.level_values)
        raise ReviewError(f"Choose one of the levels {levels}.")


def _rating_for(panel_member: PanelMember, item: Item) -> Rating:
    rating, _ = Rating.objects.select_for_update().get_or_create(
        panel_member=panel_member, item=item
    )
    return rating


def _rescore(rating_or_consensus, item: Item, rows) -> int | None:
    definition = item.definition
    if definition.rule.kind == "anchors":
        level = rating_or_consensus.anchor_level
        return score_item(definition, anchor_level=level).score if level else None
    return score_item(definition, decisions_of(rows)).score


@transaction.atomic
def record_rating(
    *,
    panel_member: PanelMember,
    item: Item,
    decisions: dict | None = None,
    anchor_level: int | None = None,
    notes: str | None = None,
) -> Rating:
    """Save part or all of a reviewer's rating of one item. `decisions` maps criterion
    letter -> (status or "", list of source codes[, list of part labels ticked]). Only what
    is given changes, so two browser tabs saving different criteria do not undo each other."""
    # Lock the review, then the reviewer's place: a submit in another tab either happens
    # before this save (which is then refused) or waits for it.
    review = Review.objects.select_for_update().get(pk=panel_member.review_id)
    panel_member = PanelMember.objects.select_for_update().get(pk=panel_member.pk)
    if review.status != Status.RATING:
        raise ReviewError("Ratings can be changed only while the review is at the rating stage.")
    if panel_member.has_submitted:
        raise ReviewError("You have submitted your ratings; they can no longer change.")
    decisions = normalised(decisions)
    check_input(review=review, item=item, decisions=decisions, anchor_level=anchor_level)
    check_text(notes=notes, limits=TEXT_LIMITS)
    rating = _rating_for(panel_member, item)
    criteria = {c.letter: c for c in item.criteria.all()}
    for letter, (status, sources, parts) in decisions.items():
        CriterionRating.objects.update_or_create(
            rating=rating,
            criterion=criteria[letter],
            defaults={
                "status": status or "",
                "sources": sorted(set(sources)),
                "parts": sorted(set(parts)) or None,
            },
        )
    fields = ["score", "updated_at"]
    if anchor_level is not None:
        rating.anchor_level = anchor_level or None
        fields.append("anchor_level")
    if notes is not None:
        rating.notes = notes
        fields.append("notes")
    rows = rating.criteria.select_related("criterion")
    rating.score = _rescore(rating, item, rows)
    rating.updated_at = timezone.now()
    rating.save(update_fields=fields)
    return rating


@transaction.atomic
def submit_ratings(*, panel_member: PanelMember) -> PanelMember:
    """Submit a reviewer's independent ratings; they are then fixed and others' are visible."""
    # The review row is the lock every submit takes: the last two reviewers submitting at
    # once take turns, so one of them always sees the panel complete and opens consensus.
    review = Review.objects.select_for_update().get(pk=panel_member.review_id)
    panel_member = PanelMember.objects.select_for_update().get(pk=panel_member.pk)
    if review.status != Status.RATING:
        raise ReviewError("Ratings can be submitted only at the rating stage.")
    if panel_member.has_submitted:
        return panel_member
    scored = set(
        panel_member.ratings.filter(score__isnull=False).values_list("item__number", flat=True)
    )
    missing = [n for n in review.scale.items.values_list("number", flat=True) if n not in scored]
    if missing:
        shown = ", ".join(str(n) for n in missing[:10]) + (
            " and others" if len(missing) > 10 else ""
        )
        raise ReviewError(
            f"Rate every item before submitting. Items still without a score: {shown}."
        )
    panel_member.submitted_at = timezone.now()
    panel_member.save(update_fields=["submitted_at"])
    if not review.panel.filter(submitted_at__isnull=True).exists():
        advance(review=review, by=panel_member.user)
    return panel_member


def _open_consensus(review: Review) -> None:
    """Start consensus from the independent ratings: where every reviewer made the same
    decision on a criterion, it is filled in (with the sources and parts any of them
    recorded); everything else is left for the panel."""
    items = list(review.scale.items.prefetch_related("criteria"))
    ratings = (
        Rating.objects.filter(panel_member__review=review)
        .select_related("item")
        .prefetch_related("criteria__criterion")
    )
    by_item: dict[int, list[Rating]] = {}
    for rating in ratings:
        by_item.setdefault(rating.item_id, []).append(rating)
    consensus_rows, criterion_rows = [], []
    for item in items:
        item_ratings = by_item.get(item.pk, [])
        levels = {r.anchor_level for r in item_ratings}
        consensus = ConsensusItem(
            review=review,
            item=item,
            anchor_level=levels.pop() if len(levels) == 1 else None,
        )
        consensus_rows.append(consensus)
        for criterion in item.criteria.all():
            rows = [
                row
                for r in item_ratings
                for row in r.criteria.all()
                if row.criterion_id == criterion.pk
            ]
            # Where every reviewer made the same decision it is filled in, with the evidence
            # any of them recorded; the panel confirms it rather than choosing it again.
            statuses = {row.status for row in rows}
            status, sources, parts = "", set(), set()
            if len(statuses) == 1 and "" not in statuses:
                status = statuses.pop()
                for row in rows:
                    sources.update(row.sources or ())
                    parts.update(row.parts or ())
            criterion_rows.append(
                (
                    consensus,
                    ConsensusCriterion(
                        criterion=criterion,
                        status=status,
                        sources=sorted(sources),
                        parts=sorted(parts) or None,
                    ),
                )
            )
    ConsensusItem.objects.bulk_create(consensus_rows)
    for consensus, row in criterion_rows:
        row.consensus = consensus
    ConsensusCriterion.objects.bulk_create(row for _, row in criterion_rows)
    for consensus in consensus_rows:
        rows = [row for c, row in criterion_rows if c is consensus]
        for row in rows:
            row.criterion = next(
                c for c in consensus.item.criteria.all() if c.pk == row.criterion_id
            )
        consensus.score = _rescore(consensus, consensus.item, rows)
    ConsensusItem.objects.bulk_update(consensus_rows, ["score"])


@transaction.atomic
def save_consensus(
    *,
    consensus: ConsensusItem,
    expected_version: int,
    decisions: dict,
    anchor_level: int | None,
    rationale: str,
    agreed: bool,
    by,
    amendment_reason: str | None = None,
) -> ConsensusItem:
    """Save the panel's agreed rating of an item. A save based on an older version than the
    one stored is refused (StaleConsensus), never silently applied."""
    # The review row first (as finalise() does), so a save and a finalise cannot cross:
    # either the save lands before finalising, or it sees the review finalised.
    review = Review.objects.select_for_update().get(pk=consensus.review_id)
    current = (
        # Lock only the consensus row: PostgreSQL cannot lock the nullable side of a join.
        ConsensusItem.objects.select_for_update(of=("self",))
        .select_related("item", "updated_by")
        .get(pk=consensus.pk)
    )
    current.review = review
    if review.is_finalised and amendment_reason is None:
        raise ReviewError("This review is finalised: changes are made as amendments with a reason.")
    if not review.is_finalised and review.status not in (Status.CONSENSUS, Status.REPORT):
        raise ReviewError("Consensus opens when every reviewer has submitted.")
    if current.version != expected_version:
        raise StaleConsensus(current)
    item = current.item
    definition = item.definition
    decisions = normalised(decisions)
    check_input(review=review, item=item, decisions=decisions, anchor_level=anchor_level)
    check_text(rationale=rationale, reason=amendment_reason, limits=TEXT_LIMITS)
    before_score, before_rationale = current.score, current.rationale
    rows = {row.criterion.letter: row for row in current.criteria.select_related("criterion")}
    before_decisions = {k: (r.status, list(r.sources), r.parts) for k, r in rows.items()}
    for letter, (status, sources, parts) in decisions.items():
        rows[letter].status = status or ""
        rows[letter].sources = sorted(set(sources))
        rows[letter].parts = sorted(set(parts)) or None
    ConsensusCriterion.objects.bulk_update(rows.values(), ["status", "sources", "parts"])
    if definition.rule.kind == "anchors":
        current.anchor_level = anchor_level or None
    current.rationale = rationale
    current.score = _rescore(current, item, list(rows.values()))
    if agreed and current.score is None:
        raise ReviewError(
            f"Item {item.number} needs every criterion decided (or a level "
            "chosen) before it can be agreed."
        )
    current.agreed = agreed
    current.version += 1
    current.updated_by = by
    current.updated_at = timezone.now()
    current.save(
        update_fields=[
            "anchor_level",
            "rationale",
            "score",
            "agreed",
            "version",
            "updated_by",
            "updated_at",
        ]
    )
    if amendment_reason is not None:
        after_decisions = {k: (r.status, list(r.sources), r.parts) for k, r in rows.items()}
        changed = [k for k in rows if before_decisions[k] != after_decisions[k]]
        parts = []
        if before_score != current.score:
            parts.append(f"score {before_score} to {current.score}")
        if changed:
            parts.append("criteria " + ", ".join(changed))
        if before_rationale != current.rationale:
            parts.append("rationale")
        Amendment.objects.create(
            review=review,
            item=item,
            what=f"Item {item.number}: " + ("; ".join(parts) or "no change"),
            before=f"Score {before_score}. {before_rationale}".strip(),
            after=f"Score {current.score}. {current.rationale}".strip(),
            reason=amendment_reason,
            made_by=by,
        )
        Review.objects.filter(pk=review.pk).update(report_version=F("report_version") + 1)
        scores.store_totals(review)
        _announce_result(review)
    return current


@transaction.atomic
def amend(
    *,
    consensus: ConsensusItem,
    expected_version: int,
    decisions: dict,
    anchor_level: int | None,
    rationale: str,
    reason: str,
    by,
) -> ConsensusItem:
    """Change a finalised review's item. The reason is kept and shown on the report."""
    if not consensus.review.is_finalised:
        raise ReviewError("Only a finalised review is amended; change the consensus instead.")
    if not (reason or "").strip():
        raise ReviewError("Give the reason for the amendment.")
    return save_consensus(
        consensus=consensus,
        expected_version=expected_version,
        decisions=decisions,
        anchor_level=anchor_level,
        rationale=rationale,
        agreed=True,
        by=by,
        amendment_reason=reason.strip(),
    )


@transaction.atomic
def save_recommendations(
    *, review: Review, recommendations: str, by, reason: str | None = None
) -> Review:
    """The panel's recommendations; after finalising, only as an amendment with a reason."""
    review = _lock(review)
    check_text(recommendations=recommendations, reason=reason, limits=TEXT_LIMITS)
    if review.is_finalised:
        if not (reason or "").strip():
            raise ReviewError("This review is finalised: give the reason for the amendment.")
        Amendment.objects.create(
            review=review,
            what="Recommendations",
            before=review.recommendations,
            after=recommendations,
            reason=reason.strip(),
            made_by=by,
        )
        review.report_version += 1
    review.recommendations = recommendations
    review.save(update_fields=["recommendations", "report_version"])
    return review


@transaction.atomic
def finalise(*, review: Review, by) -> Review:
    review = _lock(review)
    if review.status != Status.REPORT:
        raise ReviewError(
            "A review is finalised from the report stage, once every item has an agreed score."
        )
    if review.consensus.filter(agreed=False).exists():
        raise ReviewError("Every item needs an agreed score before finalising.")
    if not review.recommendations.strip():
        raise ReviewError(
            "Write the panel's recommendations before finalising: the team reads them with "
            "its scores."
        )
    review.status = Status.FINALISED
    review.finalised_at = timezone.now()
    review.finalised_by = by
    review.report_version += 1
    review.save(update_fields=["status", "finalised_at", "finalised_by", "report_version"])
    scores.store_totals(review)
    programme_id = review.team.organisation.programme_id
    transaction.on_commit(lambda: refresh_agreement.enqueue(programme_id=programme_id))
    _announce_result(review)
    return review


def _announce_result(review: Review) -> None:
    """Tell the apps that build on reviews (settings.FIDELIS_ON_REVIEW_RESULT) that a
    finalised result is new or changed, once this transaction commits."""
    programme_id = review.team.organisation.programme_id
    for hook in contributions("FIDELIS_ON_REVIEW_RESULT"):
        transaction.on_commit(lambda hook=hook: hook(programme_id=programme_id))


@transaction.atomic
def set_routine_value(*, review: Review, criterion: Criterion, value: float | None, by) -> None:
    if review.is_finalised:
        raise ReviewError("This review is finalised.")
    if value is None:
        RoutineValue.objects.filter(review=review, criterion=criterion).delete()
    else:
        RoutineValue.objects.update_or_create(
            review=review, criterion=criterion, defaults={"value": value, "entered_by": by}
        )


@transaction.atomic
def toggle_preparation(*, item: PreparationItem, done: bool, by=None) -> PreparationItem:
    """Tick a preparation item off (or back on), recording who did it and when."""
    if Review.objects.filter(pk=item.review_id, status=Status.FINALISED).exists():
        raise ReviewError("This review is finalised: its preparation list no longer changes.")
    if item.done != done:
        item.done = done
        item.done_by = by if done else None
        item.done_at = timezone.now() if done else None
        item.save(update_fields=["done", "done_by", "done_at"])
    return item


def set_focus_items(*, review: Review, numbers) -> Review:
    """The items the team chooses as its own focus (the report ranks them higher among its
    priorities). Numbers the scale does not have are refused."""
    if review.is_finalised:
        raise ReviewError("This review is finalised: its focus no longer changes.")
    wanted = sorted({int(n) for n in numbers})
    known = set(review.scale.items.values_list("number", flat=True))
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise ReviewError(f"The scale has no item {', '.join(str(n) for n in unknown)}.")
    if len(wanted) > FOCUS_LIMIT:
        raise ReviewError(f"Choose at most {FOCUS_LIMIT} items to focus on.")
    review.focus_items = wanted
    review.save(update_fields=["focus_items"])
    return review


def request_programme_agreement(*, programme) -> None:
    """Have the programme's pooled agreement worked out in the background."""
    transaction.on_commit(lambda: refresh_agreement.enqueue(programme_id=programme.pk))
