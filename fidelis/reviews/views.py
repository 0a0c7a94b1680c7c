from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fidelis.forms import error_list, errors_from, status_for
from fidelis.lib.scoring import CriterionDecision, score_item
from fidelis.pages import breadcrumbs, fill_item_resources, paginate
from fidelis.programmes import access as programme_access
from fidelis.reviews import access, actions
from fidelis.reviews import agreement as agreement_figures
from fidelis.reviews.agreement import AgreementSummary, review_agreement
from fidelis.reviews.forms import (
    PANEL_SLOTS,
    FocusForm,
    PlanReviewForm,
    PreparationItemForm,
    RecommendationsForm,
    RoutineDataForm,
)
from fidelis.reviews.models import Status
from fidelis.reviews.report import build_report, report_page_body, report_pdf
from fidelis.scales.models import Item


def _trail(review=None, *extra) -> list:
    """Breadcrumbs through the reviews list and, when given, the review's own page."""
    pairs = [("Home", reverse("home")), ("Reviews", reverse("review_list"))]
    if review is not None:
        pairs.append((f"{review.team.name}, {review.timepoint.label}", review.get_absolute_url()))
    return breadcrumbs(*pairs, *extra)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# Lists and planning ------------------------------------------------------------------------


@login_required
def review_list(request):
    user = request.user
    visible = (
        access.reviews_visible_to(user)
        .select_related("team__organisation__programme", "timepoint")
        # A list row needs none of the long text: leaving it out keeps the sort small.
        .defer("recommendations", "agreement", "team__organisation__programme__description")
        .order_by("-visit_date", "-pk")
    )
    on_panel = access.panel_review_ids(user)
    # Your own reviews first, a short page of them; then the rest.
    mine = paginate(request, visible.filter(pk__in=on_panel), per_page=10, param="mine")
    others = paginate(request, visible.exclude(pk__in=on_panel), per_page=20)

    def rows(paged):
        return [
            {"review": review, "label": programme_access.team_label(user, review.team)}
            for review in paged.items
        ]

    return render(
        request,
        "reviews/list.jinja",
        {
            "mine": rows(mine),
            "mine_pages": mine,
            "others": rows(others),
            "other_pages": others,
            "plan_links": programme_access.managed_programmes(user).order_by("name"),
            "breadcrumbs": _trail(),
        },
    )


@login_required
def review_plan(request, slug):
    programme = access.programme_for_planning(request.user, slug)
    form = PlanReviewForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = actions.plan_review(
                team=data["team"],
                timepoint=data["timepoint"],
                visit_date=data["visit_date"],
                panel=data["panel"],
                by=request.user,
            )
        except actions.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Review planned for {review.team.name} on {review.visit_date:%-d %B %Y}."
            )
            return redirect(review)
    return render(
        request,
        "reviews/plan.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "programme": programme,
            "slots": range(1, PANEL_SLOTS + 1),
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")), (programme.name, programme.get_absolute_url())
            ),
        },
        status=status_for(form),
    )


@login_required
def review_change_plan(request, pk):
    review = access.review_for_panel_change(request.user, pk)
    programme = review.team.organisation.programme
    initial = {"visit_date": review.visit_date}
    for slot, member in enumerate(review.panel.all(), start=1):
        initial[f"reviewer_{slot}"] = member.user_id
        initial[f"role_{slot}"] = member.role
    form = PlanReviewForm(request.POST or None, programme=programme, review=review, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_plan(
                review=review,
                visit_date=form.cleaned_data["visit_date"],
                panel=form.cleaned_data["panel"],
            )
        except actions.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The review's plan is saved.")
            return redirect(review)
    return render(
        request,
        "reviews/plan.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "programme": programme,
            "review": review,
            "slots": range(1, PANEL_SLOTS + 1),
            "breadcrumbs": _trail(review),
        },
        status=status_for(form),
    )


@login_required
def preparation_add(request, pk):
    review = access.review_for_preparation(request.user, pk)
    form = PreparationItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_preparation_item(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except actions.ReviewError as error:
            raise PermissionDenied(str(error)) from None
        else:
            messages.success(request, "Added to the preparation list.")
            return redirect(review)
    return _review_form_page(
        request, review, form, title="Add to the preparation list", submit="Add"
    )


def _review_form_page(request, review, form, *, title: str, submit: str, intro: str = ""):
    """A form about one review, on the shared form page: the review as its caption, and
    Cancel back to the review's page."""
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": title,
            "caption": str(review),
            "intro": intro,
            "submit": submit,
            "cancel": review.get_absolute_url(),
            "breadcrumbs": _trail(review),
        },
        status=status_for(form),
    )


# The review page ---------------------------------------------------------------------------


def _what_next(user, review, *, place, can_manage, can_prepare, close_to_team, open_consensus):
    """The one thing the person looking at a review does next, as (text, link text, href);
    the link is None where there is nothing to open."""
    status = review.status
    pk = review.pk
    if status == Status.FINALISED:
        if close_to_team:
            return (
                "The report is final. Read it with the team, then write the improvement plan "
                "from its priorities.",
                "Read the feedback report",
                reverse("review_report", args=[pk]),
            )
        return (
            "The review is finished: the report is final.",
            "Open the feedback report",
            reverse("review_report", args=[pk]),
        )
    if status in (Status.PLANNED, Status.PREPARATION):
        if close_to_team and can_prepare:
            return (
                "Before the visit: tick off each document as the team sends it, enter the "
                "team's routine data, and choose the items the team most wants to improve.",
                "Choose the team's focus",
                reverse("review_focus", args=[pk]),
            )
        if can_manage:
            step = "open rating" if status == Status.PREPARATION else "start preparation"
            return (
                f"Check the preparation list with the team, then {step} (below).",
                None,
                None,
            )
    if status == Status.RATING:
        if place is not None and not place.has_submitted:
            return (
                "Rate each item from what you saw and heard, then submit your ratings.",
                "Rate items",
                reverse("rate_index", args=[pk]),
            )
        if place is not None or can_manage:
            return (
                "Consensus opens when every reviewer has submitted their ratings.",
                None,
                None,
            )
    if status in (Status.CONSENSUS, Status.REPORT) and can_manage:
        if open_consensus:
            return (
                f"The panel agrees a score for {open_consensus} more "
                f"item{'s' if open_consensus != 1 else ''}.",
                "Go to consensus",
                reverse("consensus_index", args=[pk]),
            )
        if not review.recommendations.strip():
            return (
                "Every item is agreed. Write the panel's recommendations, then finalise the "
                "report.",
                "Write the recommendations",
                reverse("review_recommendations", args=[pk]),
            )
        return (
            "Read the draft report through, then finalise it for the team.",
            "Open the draft report",
            reverse("review_report", args=[pk]),
        )
    if close_to_team:
        return (
            "The panel is rating and agreeing the scores. The team sees the report once the "
            "panel finalises it.",
            None,
            None,
        )
    return None


@login_required
def review_detail(request, pk):
    review = access.review_for_view(request.user, pk)
    user = request.user
    progress = review.rated_counts()
    panel = [{"member": m, "rated": progress.get(m.pk, 0)} for m in review.panel.all()]
    can_see_all = access.can_see_all_ratings(user, review)
    open_consensus = (
        review.consensus.filter(agreed=False).count()
        if review.status in (Status.CONSENSUS, Status.REPORT)
        else 0
    )
    place = access.panel_place(user, review)
    can_manage = access.can_manage_review(user, review)
    can_prepare = access.can_prepare(user, review)
    close_to_team = access.is_close_to_the_team(user, review)
    context = {
        "review": review,
        "panel": panel,
        "n_items": review.scale.items.count(),
        "team_label": programme_access.team_label(user, review.team),
        "can_manage": can_manage,
        "can_change_panel": access.can_change_panel(user, review),
        "can_prepare": can_prepare,
        "can_rate": access.can_rate(user, review),
        "place": place,
        "can_see_all": can_see_all,
        "can_view_report": access.can_view_report(user, review),
        "can_see_preparation": access.can_see_preparation(user, review),
        "preparation": review.preparation.select_related("added_by", "done_by"),
        "focus": [
            item for item in review.scale.definition.items if item.number in review.focus_items
        ],
        "what_next": _what_next(
            user,
            review,
            place=place,
            can_manage=can_manage,
            can_prepare=can_prepare,
            close_to_team=close_to_team,
            open_consensus=open_consensus,
        ),
        "agreement": review_agreement(review) if can_see_all else None,
        "open_consensus": open_consensus,
        "statuses": Status.choices,
        "breadcrumbs": _trail(None, (f"{review.team.name}, {review.timepoint.label}", "")),
    }
    return render(request, "reviews/detail.jinja", context)


@login_required
@require_POST
def review_advance(request, pk):
    review = access.review_for_management(request.user, pk)
    try:
        review = actions.advance(review=review, by=request.user)
    except actions.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"The review is now at the {review.get_status_display().lower()} stage."
        )
    return redirect(review)


@login_required
@require_POST
def preparation_toggle(request, pk, item_id):
    review, item = access.preparation_item_for_edit(request.user, pk, item_id)
    try:
        actions.toggle_preparation(
            item=item, done=request.POST.get("done") == "on", by=request.user
        )
    except actions.ReviewError as error:
        raise PermissionDenied(str(error)) from None
    if _is_htmx(request):
        return render(
            request,
            "reviews/_preparation_item.jinja",
            {"item": item, "review": review, "can_prepare": True},
        )
    return redirect(review)


@login_required
def review_focus(request, pk):
    """The team chooses the items it most wants to improve; the report ranks them higher
    among its priorities."""
    review = access.review_for_preparation(request.user, pk, changing=request.method == "POST")
    form = FocusForm(
        request.POST or None,
        items=review.scale.definition.items,
        initial={"items": [str(n) for n in review.focus_items]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_focus_items(review=review, numbers=form.cleaned_data["items"])
        except actions.ReviewError as error:
            form.add_error("items", str(error))
        else:
            messages.success(request, "The team's focus is saved.")
            return redirect(review)
    return _review_form_page(
        request,
        review,
        form,
        title="Your team's focus",
        intro=f"Choose up to {actions.FOCUS_LIMIT} items your team most wants to improve. "
        "The feedback report ranks them higher among its priorities, so the plan you "
        "write afterwards starts from what the team chose.",
        submit="Save the team's focus",
    )


def _routine_rows(review):
    """One row per routine-data figure an item asks for. Criteria of one item that read the
    same figure (say, "at least half" and "at least nine in ten") share one row."""
    rows = []
    stored = {i.number: i for i in review.scale.items.prefetch_related("criteria")}
    for item_def in review.scale.definition.items:
        by_measure: dict[str, dict] = {}
        for criterion_def in item_def.criteria:
            routine = criterion_def.routine_data
            if routine is None:
                continue
            item = stored[item_def.number]
            criterion = next(c for c in item.criteria.all() if c.letter == criterion_def.letter)
            row = by_measure.get(routine.measure)
            if row is None:
                row = {"item": item, "criterion": criterion, "routine": routine, "criteria": []}
                by_measure[routine.measure] = row
                rows.append(row)
            row["criteria"].append((criterion, criterion_def))
    return rows


@login_required
def routine_data(request, pk):
    review = access.review_for_preparation(request.user, pk, changing=request.method == "POST")
    rows = _routine_rows(review)
    values = dict(review.routine_values.values_list("criterion_id", "value"))
    form = RoutineDataForm(request.POST or None, criteria=rows, values=values)
    if request.method == "POST" and form.is_valid():
        for row in rows:
            for criterion, _ in row["criteria"]:
                actions.set_routine_value(
                    review=review,
                    criterion=criterion,
                    value=form.cleaned_data[f"c{row['criterion'].pk}"],
                    by=request.user,
                )
        messages.success(
            request, "Routine data saved. Reviewers see what it suggests beside each criterion."
        )
        return redirect(review)
    return _review_form_page(
        request,
        review,
        form,
        title="Routine data",
        intro="Figures from the team's routine data suggest whether some criteria are met. "
        "Reviewers see the suggestion and decide.",
        submit="Save routine data",
    )


# Independent rating ------------------------------------------------------------------------


def _item_or_404(review, number) -> Item:
    item = (
        review.scale.items.filter(number=number)
        .prefetch_related("criteria")
        .select_related("scale")
        .first()
    )
    if item is None:
        raise Http404("No such item")
    return item


def _criteria_rows(item, decisions_by_letter, review, routine_values):
    definition = item.definition
    sources = {s.code: s.name for s in review.scale.definition.sources}
    rows = []
    for criterion in item.criteria.all():
        criterion_def = definition.criterion(criterion.letter)
        status, chosen, ticked = decisions_by_letter.get(criterion.letter, ("", [], []))
        suggestion = None
        if criterion_def.routine_data is not None and criterion.pk in routine_values:
            value = routine_values[criterion.pk]
            met = criterion_def.routine_data.suggests_met(value)
            rd = criterion_def.routine_data
            unit = "%" if rd.unit == "percent" else f" {rd.unit}"
            suggestion = (
                f"Routine data: {value:g}{unit} ({rd.measure}). This suggests the "
                f"criterion is {'met' if met else 'not met'} (needs {rd.comparison} "
                f"{rd.threshold:g}{unit})."
            )
        rows.append(
            {
                "criterion": criterion,
                "definition": criterion_def,
                "status": status,
                "sources": [
                    (code, sources[code], code in chosen) for code in criterion_def.sources
                ],
                "suggestion": suggestion,
                "parts": [
                    (part.label, part.text, part.label in ticked)
                    for part in (criterion_def.parts.parts if criterion_def.parts else ())
                ],
                "precondition": (
                    definition.precondition
                    if definition.precondition is not None
                    and definition.precondition.criterion == criterion.letter
                    else None
                ),
                "warning": counts_as_not_met(criterion_def, status, chosen, ticked),
            }
        )
    return rows


def counts_as_not_met(criterion, status, sources, parts) -> str | None:
    """Why a criterion chosen as met will count as not met, or None. The scale's own rules
    decide (`Criterion.sources_agree`, `Parts.enough`, as the scoring engine asks them);
    this chooses the words. The page's script (fidelis.js) says the same as choices change."""
    if status != "met":
        return None
    if not criterion.sources_agree(sources):
        return (
            "Counts as not met: every source must support it. Tick each source that does, "
            "or choose Not met."
        )
    if criterion.parts is not None and not criterion.parts.enough(parts):
        return (
            f"Counts as not met: {criterion.parts.ticked(parts)} of the parts ticked, "
            f"{criterion.parts.at_least} needed."
        )
    return None


def _posted_decisions(request, item):
    letters = {c.letter for c in item.criteria.all()}
    decisions = {}
    for letter in request.POST.getlist("criteria"):
        if letter in letters:
            decisions[letter] = (
                request.POST.get(f"{letter}-status", ""),
                request.POST.getlist(f"{letter}-sources"),
                request.POST.getlist(f"{letter}-parts"),
            )
    return decisions


def _preview_score(definition, decisions: dict, level):
    """The score the form on screen gives, for the card above it. Input the action refused
    (an unknown letter or decision, an impossible level) counts as undecided here."""
    if definition.rule.kind == "anchors":
        return score_item(
            definition, anchor_level=level if level in definition.rule.anchors else None
        )
    letters = set(definition.letters)
    return score_item(
        definition,
        {
            letter: CriterionDecision(status or None, frozenset(sources), frozenset(parts))
            for letter, (status, sources, parts) in decisions.items()
            if letter in letters and status in ("", "met", "partial", "not_met")
        },
    )


def _posted_level(request):
    """The chosen anchor level: None when the form has no level field, 0 when it is
    cleared, -1 when it is not a plain number (the action refuses that with a message)."""
    if "anchor_level" not in request.POST:
        return None
    value = request.POST.get("anchor_level", "")
    if value == "":
        return 0
    if value.isascii() and value.isdigit() and len(value) <= 3:
        return int(value)
    return -1


@login_required
def rate_index(request, pk):
    review, place = access.place_for_rating(request.user, pk)
    ratings = {r.item_id: r for r in place.ratings.all()}
    sections = []
    for section in review.scale.sections.prefetch_related("items"):
        sections.append(
            {
                "section": section,
                "items": [
                    {"item": item, "rating": ratings.get(item.pk)} for item in section.items.all()
                ],
            }
        )
    rated = sum(1 for r in ratings.values() if r.score is not None)
    total = sum(len(s["items"]) for s in sections)
    first_unrated = next(
        (
            row["item"]
            for entry in sections
            for row in entry["items"]
            if row["rating"] is None or row["rating"].score is None
        ),
        None,
    )
    return render(
        request,
        "reviews/rate_index.jinja",
        {
            "review": review,
            "place": place,
            "sections": sections,
            "rated": rated,
            "total": total,
            "first_unrated": first_unrated,
            "can_rate": access.can_rate(request.user, review),
            "breadcrumbs": _trail(review, ("Your ratings", "")),
        },
    )


@login_required
def rate_item(request, pk, number):
    review, place = access.place_for_rating(request.user, pk)
    item = _item_or_404(review, number)
    can_rate = access.can_rate(request.user, review)
    errors = []
    if request.method == "POST":
        if not can_rate:
            raise PermissionDenied("Your ratings can no longer change.")
        try:
            actions.record_rating(
                panel_member=place,
                item=item,
                decisions=_posted_decisions(request, item),
                anchor_level=_posted_level(request),
                notes=request.POST.get("notes", ""),
            )
        except actions.ReviewError as error:
            errors.append({"text": str(error), "href": "#criteria"})
        except ValidationError as error:  # a free-text rule: the notes field says why
            errors.extend(errors_from(error))
        if not errors and not _is_htmx(request):
            target = request.POST.get("next")
            if target == "next":
                following = review.scale.items.filter(number__gt=number).order_by("number").first()
                if following:
                    return redirect("rate_item", pk=review.pk, number=following.number)
                return redirect("rate_index", pk=review.pk)
            return redirect("rate_item", pk=review.pk, number=number)
    rating = place.ratings.filter(item=item).first()
    if request.method == "POST" and errors:
        decisions = _posted_decisions(request, item)
        level, notes = _posted_level(request), request.POST.get("notes", "")
    else:
        decisions = {
            row.criterion.letter: (row.status, row.sources, row.parts or [])
            for row in (rating.criteria.select_related("criterion") if rating else [])
        }
        level, notes = (rating.anchor_level, rating.notes) if rating else (None, "")
    definition = item.definition
    current = _preview_score(definition, decisions, level)
    routine = dict(review.routine_values.values_list("criterion_id", "value"))
    numbers = list(review.scale.items.values_list("number", flat=True))
    position = numbers.index(number)
    context = {
        "review": review,
        "place": place,
        "item": item,
        "definition": definition,
        "rows": _criteria_rows(item, decisions, review, routine),
        "level": level,
        "notes": notes,
        "current": current,
        "can_rate": can_rate,
        "errors": errors,
        "saved_at": rating.updated_at if rating else None,
        "previous": numbers[position - 1] if position else None,
        "next": numbers[position + 1] if position + 1 < len(numbers) else None,
        "levels": review.scale.definition.levels,
        "limits": actions.TEXT_LIMITS,
        "breadcrumbs": _trail(
            review,
            ("Your ratings", reverse("rate_index", args=[review.pk])),
            (f"Item {number}", ""),
        ),
    }
    if _is_htmx(request) and request.method == "POST":
        return render(
            request, "reviews/_rating_status.jinja", context, status=200 if not errors else 422
        )
    return render(request, "reviews/rate_item.jinja", context, status=400 if errors else 200)


@login_required
def rate_submit(request, pk):
    """GET: what submitting means, and the button; POST: submit."""
    review, place = access.place_for_rating(request.user, pk)
    if request.method != "POST":
        if place.has_submitted or not access.can_rate(request.user, review):
            return redirect("rate_index", pk=review.pk)
        rated = place.ratings.filter(score__isnull=False).count()
        total = review.scale.items.count()
        return render(
            request,
            "reviews/confirm.jinja",
            {
                "review": review,
                "title": "Submit your ratings?",
                "points": [
                    f"You have rated {rated} of {total} items."
                    + ("" if rated == total else " Every item needs a score before submitting."),
                    "Once submitted, your ratings cannot be changed: differences are settled "
                    "at consensus.",
                    "You then see the other reviewers' ratings as they submit theirs.",
                ],
                "action": reverse("rate_submit", args=[review.pk]),
                "confirm_text": "Yes, submit my ratings",
                "cancel": reverse("rate_index", args=[review.pk]),
                "cancel_text": "Not yet: back to my ratings",
                "breadcrumbs": _trail(
                    review,
                    ("Your ratings", reverse("rate_index", args=[review.pk])),
                    ("Submit", ""),
                ),
            },
        )
    try:
        actions.submit_ratings(panel_member=place)
    except actions.ReviewError as error:
        messages.error(request, str(error))
        return redirect("rate_index", pk=review.pk)
    messages.success(
        request,
        "Your ratings are submitted. You can now see the other "
        "reviewers' ratings as they submit theirs.",
    )
    return redirect(review)


# Consensus ---------------------------------------------------------------------------------


def _disagreement(ratings: list[tuple]) -> str | None:
    """Why the panel's independent ratings of an item need talking through, if they do.
    `ratings` are (score, {criterion id: decision}) pairs."""
    scores = [score for score, _ in ratings if score is not None]
    if len(scores) >= 2 and max(scores) - min(scores) >= 2:
        return f"Scores {min(scores)} to {max(scores)}"
    per_criterion: dict[int, set] = {}
    for _, decisions in ratings:
        for criterion_id, status in decisions.items():
            per_criterion.setdefault(criterion_id, set()).add(status)
    differing = [cid for cid, statuses in per_criterion.items() if len(statuses) > 1]
    if differing:
        return (
            f"Different decisions on {len(differing)} criteri{'on' if len(differing) == 1 else 'a'}"
        )
    return None


@login_required
def consensus_index(request, pk):
    review = access.review_for_ratings(request.user, pk)
    panel = access.panel_with_visible_ratings(request.user, review)
    by_item = review.rating_summary()
    consensus = {c.item_id: c for c in review.consensus.all()}
    rows = []
    for item in review.scale.items.select_related("section"):
        ratings = [by_item.get(item.pk, {}).get(m.pk) for m in panel]
        present = [r for r in ratings if r is not None]
        rows.append(
            {
                "item": item,
                "scores": [r[0] if r else None for r in ratings],
                "consensus": consensus.get(item.pk),
                "flag": _disagreement(present),
            }
        )
    return render(
        request,
        "reviews/consensus_index.jinja",
        {
            "review": review,
            "panel": panel,
            "rows": rows,
            "can_edit": access.can_edit_consensus(request.user, review),
            "started": review.has_reached(Status.CONSENSUS),
            "n_open": sum(1 for r in rows if r["consensus"] and not r["consensus"].agreed),
            "n_flagged": sum(1 for r in rows if r["flag"]),
            "breadcrumbs": _trail(review, ("Consensus", "")),
        },
    )


@login_required
def consensus_item(request, pk, number):
    review = access.review_for_ratings(request.user, pk)
    if not review.has_reached(Status.CONSENSUS):
        raise Http404("Consensus has not started")
    item = _item_or_404(review, number)
    consensus = review.consensus.select_related("updated_by").filter(item=item).first()
    if consensus is None:
        raise Http404("No such item")
    amending = review.is_finalised
    can_edit = access.can_change_consensus_item(request.user, review)
    errors, stale, reason = [], None, ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Consensus can no longer change here.")
        decisions = _posted_decisions(request, item)
        level = _posted_level(request)
        if _is_htmx(request) and request.POST.get("preview"):
            # The agreed score as the decisions on screen stand: shown live, saved later.
            return render(
                request,
                "reviews/_consensus_score.jinja",
                {"current": _preview_score(item.definition, decisions, level)},
            )
        rationale = request.POST.get("rationale", "")
        reason = request.POST.get("reason", "")
        agreed = request.POST.get("agreed") == "on"
        try:
            expected = int(request.POST.get("version", "-1"))
        except ValueError:
            expected = -1
        try:
            if amending:
                actions.amend(
                    consensus=consensus,
                    expected_version=expected,
                    decisions=decisions,
                    anchor_level=level,
                    rationale=rationale,
                    reason=reason,
                    by=request.user,
                )
            else:
                actions.save_consensus(
                    consensus=consensus,
                    expected_version=expected,
                    decisions=decisions,
                    anchor_level=level,
                    rationale=rationale,
                    agreed=agreed,
                    by=request.user,
                )
        except actions.StaleConsensus as error:
            stale = error.current
            errors.append({"text": str(error), "href": "#their-version"})
        except actions.ReviewError as error:
            errors.append({"text": str(error), "href": "#criteria"})
        except ValidationError as error:  # a free-text rule: the field says why
            errors.extend(errors_from(error))
        if not errors:
            messages.success(request, f"Item {number} {'amended' if amending else 'saved'}.")
            if amending:
                return redirect("review_report", pk=review.pk)
            following = (
                review.consensus.filter(agreed=False, item__number__gt=number)
                .select_related("item")
                .order_by("item__number")
                .first()
            )
            if following and request.POST.get("next") == "next":
                return redirect("consensus_item", pk=review.pk, number=following.item.number)
            return redirect("consensus_index", pk=review.pk)
        consensus.refresh_from_db()
        form_decisions, form_level, form_rationale = decisions, level, rationale
        form_agreed = agreed
    else:
        form_decisions = {
            row.criterion.letter: (row.status, row.sources, row.parts or [])
            for row in consensus.criteria.select_related("criterion")
        }
        form_level, form_rationale = consensus.anchor_level, consensus.rationale
        form_agreed = consensus.agreed or amending
    panel = list(review.panel.all())
    ratings = review.ratings_by_item(item).get(item.pk, {})
    definition = item.definition
    reviewer_rows = []
    for criterion in item.criteria.all():
        decisions = []
        for member in panel:
            rating = ratings.get(member.pk)
            row = (
                next((r for r in rating.criteria.all() if r.criterion_id == criterion.pk), None)
                if rating
                else None
            )
            decisions.append(row)
        statuses = {r.status for r in decisions if r is not None}
        reviewer_rows.append(
            {"criterion": criterion, "decisions": decisions, "differs": len(statuses) > 1}
        )
    current = _preview_score(definition, form_decisions, form_level)
    routine = dict(review.routine_values.values_list("criterion_id", "value"))
    return render(
        request,
        "reviews/consensus_item.jinja",
        {
            "review": review,
            "item": item,
            "definition": definition,
            "panel": panel,
            "ratings": [ratings.get(m.pk) for m in panel],
            "reviewer_rows": reviewer_rows,
            "criterion_texts": {c.letter: c.text for c in definition.criteria},
            "source_key": [
                (source.code, source.name)
                for source in review.scale.definition.sources
                if any(source.code in c.sources for c in definition.criteria)
            ],
            "rows": _criteria_rows(item, form_decisions, review, routine),
            "consensus": consensus,
            "version": consensus.version,
            "level": form_level,
            "rationale": form_rationale,
            "agreed": form_agreed,
            "current": current,
            "can_edit": can_edit,
            "amending": amending,
            "reason": reason,
            "stale": stale,
            "errors": errors,
            "levels": review.scale.definition.levels,
            "limits": actions.TEXT_LIMITS,
            "breadcrumbs": _trail(
                review,
                ("Consensus", reverse("consensus_index", args=[review.pk])),
                (f"Item {number}", ""),
            ),
        },
        status=409 if stale else (400 if errors else 200),
    )


# Report ------------------------------------------------------------------------------------


@login_required
def review_report(request, pk):
    review = access.review_for_report(request.user, pk)
    return render(
        request,
        "reviews/report.jinja",
        {
            "review": review,
            "body": fill_item_resources(
                report_page_body(review),
                request.user,
                scale_id=review.scale_id,
                programme=review.team.organisation.programme,
                team_id=review.team_id,
            ),
            "can_manage": access.can_manage_review(request.user, review),
            "can_finalise": access.can_finalise(request.user, review),
            "can_amend": access.can_amend(request.user, review),
            "breadcrumbs": _trail(review, ("Feedback report", "")),
        },
    )


@login_required
def review_report_pdf(request, pk):
    review = access.review_for_report(request.user, pk)
    pdf = report_pdf(review, base_url=request.build_absolute_uri("/"), user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{review.team.slug}-{review.timepoint.key}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def review_recommendations(request, pk):
    review = access.review_for_recommendations(request.user, pk)
    form = RecommendationsForm(
        request.POST or None,
        finalised=review.is_finalised,
        initial={"recommendations": review.recommendations},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_recommendations(
                review=review,
                by=request.user,
                recommendations=form.cleaned_data["recommendations"],
                reason=form.cleaned_data.get("reason"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        except actions.ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Recommendations saved.")
            return redirect("review_report", pk=review.pk)
    return render(
        request,
        "reviews/recommendations.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "priorities": build_report(review).priorities,
            "title": "Amend the recommendations" if review.is_finalised else "Recommendations",
            "caption": str(review),
            "submit": "Save recommendations",
            "cancel": reverse("review_report", args=[review.pk]),
            "breadcrumbs": _trail(
                review, ("Feedback report", reverse("review_report", args=[review.pk]))
            ),
        },
        status=status_for(form),
    )


@login_required
def review_finalise(request, pk):
    """GET: what finalising means, and the button; POST: finalise."""
    review = access.review_for_management(request.user, pk)
    if request.method != "POST":
        if not access.can_finalise(request.user, review):
            return redirect("review_report", pk=review.pk)
        return render(
            request,
            "reviews/confirm.jinja",
            {
                "review": review,
                "title": "Finalise the report?",
                "points": [
                    f"{review.team.name} can then read the report, its scores and the panel's "
                    "recommendations, and its dashboard and plan use the agreed scores.",
                    "Finalising cannot be undone. A later change to a score or to the "
                    "recommendations is an amendment: its reason is recorded and shown on "
                    "the report.",
                ],
                "action": reverse("review_finalise", args=[review.pk]),
                "confirm_text": "Yes, finalise the report",
                "cancel": reverse("review_report", args=[review.pk]),
                "cancel_text": "Not yet: back to the report",
                "breadcrumbs": _trail(
                    review,
                    ("Feedback report", reverse("review_report", args=[review.pk])),
                    ("Finalise", ""),
                ),
            },
        )
    try:
        actions.finalise(review=review, by=request.user)
    except actions.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "The report is finalised. The team can now read it; any "
            "later change is an amendment with a reason.",
        )
    return redirect("review_report", pk=review.pk)


# Agreement ---------------------------------------------------------------------------------


@login_required
def agreement_page(request, slug):
    user = request.user
    programme = access.programme_for_agreement(user, slug)
    overall, stored = agreement_figures.stored_overall(programme)
    if stored is None:
        # Never worked out (a programme from before figures were stored): ask for them.
        actions.request_programme_agreement(programme=programme)
        overall, stored = agreement_figures.stored_overall(programme)
    # Rows are ordered by the label the user sees: an order by real name would let
    # pseudonyms be matched to teams.
    by_label = "team__pseudonym" if access.sees_pseudonyms_only(user, programme) else "team__name"
    reviews = agreement_figures.finalised_with_agreement(programme).order_by(
        by_label, "timepoint__order", "pk"
    )
    pages = paginate(request, reviews, per_page=25)
    rows = [
        AgreementSummary.of(
            f"{programme_access.team_label(user, review.team)}, {review.timepoint.label}",
            review.agreement,
        )
        for review in pages.items
    ]
    return render(
        request,
        "reviews/agreement.jinja",
        {
            "programme": programme,
            "overall": overall,
            "stored": stored,
            "n_finalised": pages.page.paginator.count,
            "rows": rows,
            "pages": pages,
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                ("Inter-rater agreement", ""),
            ),
        },
    )
