from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from fidelis import pdf
from fidelis.forms import error_list, status_for
from fidelis.improvement import access, actions, exports, overview
from fidelis.improvement.board import history_entries, next_step, plan_board
from fidelis.improvement.forms import (
    ActionForm,
    GoalForm,
    GroupMemberForm,
    OutcomeForm,
    PlanSettingsForm,
    ProgressForm,
    SignOffForm,
    StartPlanForm,
)
from fidelis.improvement.loop import loop_for
from fidelis.improvement.models import ADVISED_GOALS, PlanStatus
from fidelis.improvement.suggest import candidates, with_priorities
from fidelis.pages import breadcrumbs, contributions, item_resources, paginate
from fidelis.programmes.models import add_months


def _priorities(team) -> dict[int, str]:
    """The items other apps put first for the team's plan, with why (a scoping day's)."""
    found: dict[int, str] = {}
    for contribution in contributions("FIDELIS_PLAN_PRIORITIES"):
        for number, reason in contribution(team).items():
            found.setdefault(number, reason)
    return found


def _crumbs(team, *more):
    programme = team.organisation.programme
    return breadcrumbs(
        ("Home", reverse("home")),
        (programme.name, programme.get_absolute_url()),
        (team.name, team.get_absolute_url()),
        *more,
    )


def _plan_crumbs(plan, *more):
    return _crumbs(plan.team, ("Plan", plan.get_absolute_url()), *more)


@login_required
def team_plan(request, slug, team_slug):
    team = access.team_for_plans(request.user, slug, team_slug)
    plans = access.plans_of(team)
    current = next((p for p in plans if p.status != PlanStatus.CLOSED), None)
    if current is not None:
        return redirect(current)
    latest = access.latest_review(team)
    return render(
        request,
        "improvement/team_plan.jinja",
        {
            "team": team,
            "plans": plans,
            "latest": latest,
            "can_start": access.can_edit_plans(request.user, team),
            "breadcrumbs": _crumbs(team, ("Plan", "")),
        },
    )


@login_required
def plan_start(request, slug, team_slug):
    team = access.team_for_planning(request.user, slug, team_slug)
    if access.plan_in_progress(team) is not None:
        messages.info(request, "The team already has a plan in progress.")
        return redirect("team_plan", slug, team_slug)
    review = access.latest_review(team)
    if review is None:
        messages.info(request, "A plan starts from a finalised review; the team has none yet.")
        return redirect("team_plan", slug, team_slug)
    found = with_priorities(candidates(review), _priorities(team))
    carried = access.goals_to_carry(team)
    starts = max(review.visit_date, datetime.date.today())
    form = StartPlanForm(
        request.POST or None,
        candidates=found,
        carried=carried,
        initial={
            "starts_on": starts,
            "ends_on": add_months(starts, 12),
            "items": [str(c.number) for c in found if c.suggested][:ADVISED_GOALS],
            "carry": [str(g.pk) for g in carried if g.outcome != "achieved"],
        },
    )
    if request.method == "POST" and form.is_valid():
        by_number = {c.number: c for c in found}
        items = {i.number: i for i in review.scale.items.all()}
        chosen = [
            {
                "item": items[int(n)],
                "criteria": by_number[int(n)].not_met,
                "target": by_number[int(n)].target,
            }
            for n in form.cleaned_data["items"]
        ]
        try:
            plan = actions.start_plan(
                team=team,
                review=review,
                chosen=chosen,
                by=request.user,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                carried=[g for g in carried if str(g.pk) in form.cleaned_data.get("carry", [])],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            n = plan.goals.count()
            messages.success(
                request,
                f"Plan started with {n} goal{'s' if n != 1 else ''}. "
                "Name each goal, then add its actions.",
            )
            return redirect(plan)
    return render(
        request,
        "improvement/start.jinja",
        {
            "team": team,
            "review": review,
            "candidates": found,
            "form": form,
            "errors": error_list(form),
            "advised": ADVISED_GOALS,
            "breadcrumbs": _crumbs(team, ("Start a plan", "")),
        },
        status=status_for(form),
    )


def _goal_resources(user, plan, numbers_by_goal: dict[int, list[int]]) -> dict[int, list]:
    """The library's resources for each goal's items (each resource once per goal)."""
    programme = plan.team.organisation.programme
    found = item_resources(
        user,
        scale_id=programme.scale_id,
        numbers=[n for numbers in numbers_by_goal.values() for n in numbers],
        programme=programme,
        team_id=plan.team_id,
    )
    result: dict[int, list] = {}
    for goal_id, numbers in numbers_by_goal.items():
        seen: set[str] = set()
        for number in numbers:
            for link in found.get(number, []):
                if link.href not in seen:
                    seen.add(link.href)
                    result.setdefault(goal_id, []).append(link)
    return result


@login_required
def plan(request, plan_id):
    found = access.plan_for_view(request.user, plan_id)
    board = plan_board(found)
    loop = loop_for(found)
    can_edit = access.can_edit_plan(request.user, found)
    return render(
        request,
        "improvement/plan.jinja",
        {
            "loop": loop,
            "outcome_forms": {
                change.goal.pk: OutcomeForm(
                    prefix=f"goal-{change.goal.pk}",
                    suggested=None if change.goal.outcome else change.suggested_outcome,
                    initial={
                        "outcome": change.goal.outcome,
                        "note": change.goal.outcome_note,
                    },
                )
                for change in (loop.goals if loop and can_edit else [])
            },
            "plan": found,
            "team": found.team,
            "board": board,
            "goal_resources": _goal_resources(
                request.user,
                found,
                {view.goal.pk: [i["number"] for i in view.items] for view in board.goals},
            ),
            "next_step": next_step(request.user, found),
            "can_edit": can_edit,
            "can_submit": access.can_submit(request.user, found),
            "can_sign_off": access.can_sign_off(request.user, found),
            "advised": ADVISED_GOALS,
            "breadcrumbs": _crumbs(found.team, ("Plan", "")),
        },
    )


def _people(team):
    return access.owners_for(team)


@login_required
def goal_new(request, plan_id):
    found = access.plan_for_edit(request.user, plan_id)
    return _goal_form(request, found, None)


@login_required
def goal_edit(request, goal_id):
    goal = access.goal_for_edit(request.user, goal_id)
    return _goal_form(request, goal.plan, goal)


def _goal_form(request, plan, goal):
    people = _people(plan.team)
    initial = {}
    if goal is not None:
        links = list(goal.items.select_related("item"))
        initial = {
            "title": goal.title,
            "items": [link.item for link in links],
            "criteria": [f"{link.item.number}:{c}" for link in links for c in link.criteria],
            "target_score": goal.target_score,
            "success": goal.success,
            "measure": goal.measure,
            "lead": goal.lead,
            "members": list(goal.members.all()),
            "meets": goal.meets,
            "reports_to": goal.reports_to,
        }
    form = GoalForm(request.POST or None, plan=plan, people=people, goal=goal, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_goal(
                plan=plan,
                goal=goal,
                title=data["title"],
                items=list(data["items"]),
                criteria=data["criteria"],
                target_score=data["target_score"],
                success=data["success"],
                measure=data["measure"],
                lead=data["lead"],
                members=list(data["members"]),
                meets=data["meets"],
                reports_to=data["reports_to"],
                reason=data.get("reason", ""),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Goal saved: {saved.title}.")
            return redirect(plan)
    count = plan.goals.count()
    intro = (
        "Link the goal to the fidelity items it works on and say what success looks like."
        if goal
        else (
            f"The plan has {count} goals already. The programme advises {ADVISED_GOALS} at "
            "most: teams with fewer goals got more of them done, because staff time was the "
            "main barrier."
            if count >= ADVISED_GOALS
            else "Link the goal to the fidelity items it works on, tick the criteria it aims "
            "to meet and say what success looks like."
        )
    )
    return render(
        request,
        "improvement/goal.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "Change the goal" if goal else "Add a goal",
            "caption": str(plan),
            "intro": intro,
            "submit": "Save goal",
            "cancel": plan.get_absolute_url(),
            "breadcrumbs": _plan_crumbs(plan, ("Goal", "")),
        },
        status=status_for(form),
    )


@login_required
def action_new(request, goal_id):
    goal = access.goal_for_edit(request.user, goal_id)
    return _action_form(request, goal, None)


@login_required
def action_edit(request, action_id):
    found = access.action_for_edit(request.user, action_id)
    return _action_form(request, found.goal, found)


def _action_form(request, goal, action):
    plan = goal.plan
    initial = {"status": "not_started"}
    if action is not None:
        initial = {
            "title": action.title,
            "owner": action.owner,
            "due_on": action.due_on,
            "hours": action.hours,
            "status": action.status,
            "status_reason": action.status_reason,
        }
    form = ActionForm(
        request.POST or None,
        plan=plan,
        people=_people(plan.team),
        action=action,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_action(
                goal=goal,
                action=action,
                title=data["title"],
                owner=data["owner"],
                due_on=data["due_on"],
                hours=data["hours"],
                status=data["status"],
                status_reason=data["status_reason"],
                reason=data.get("reason", ""),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Action saved: {saved.title}, owned by {saved.owner}.")
            for warning in plan_board(plan).warnings:
                if warning.startswith(saved.owner.display_name):
                    messages.warning(request, warning)
            return redirect(plan)
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "Change the action" if action else "Add an action",
            "caption": f"Goal: {goal.title}",
            "intro": "Every action has one owner and an estimate of the staff time it takes, "
            "so the plan shows who is doing what and whether it fits their month.",
            "submit": "Save action",
            "cancel": plan.get_absolute_url(),
            "breadcrumbs": _plan_crumbs(plan, ("Action", "")),
        },
        status=status_for(form),
    )


@login_required
def action(request, action_id):
    found = access.action_for_view(request.user, action_id)
    can_update = access.can_update_action(request.user, found)
    form = None
    if can_update:
        form = ProgressForm(
            request.POST or None,
            initial={"status": found.status, "status_reason": found.status_reason},
        )
        if request.method == "POST" and form.is_valid():
            try:
                actions.record_progress(action=found, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Progress recorded.")
                return redirect(found)
    elif request.method == "POST":
        access.action_for_update(request.user, action_id)  # says who may record progress
    plan = found.goal.plan
    return render(
        request,
        "improvement/action.jinja",
        {
            "action": found,
            "plan": plan,
            "updates": list(found.updates.select_related("written_by")),
            "resources": _goal_resources(
                request.user,
                plan,
                {found.goal_id: list(found.goal.items.values_list("item__number", flat=True))},
            ).get(found.goal_id, []),
            "form": form,
            "errors": error_list(form) if form else [],
            "can_edit": access.can_edit_plan(request.user, plan),
            "can_open_plan": access.can_view_plans(request.user, plan.team),
            "today": datetime.date.today(),
            "breadcrumbs": _plan_crumbs(plan, ("Action", ""))
            if access.can_view_plans(request.user, plan.team)
            else breadcrumbs(("Home", reverse("home")), ("My actions", reverse("my_actions"))),
        },
        status=status_for(form) if form else 200,
    )


@login_required
def plan_submit(request, plan_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = access.plan_for_edit(request.user, plan_id)
    try:
        actions.submit(plan=found, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Plan submitted: the senior sponsor can now sign it off.")
    return redirect(found)


@login_required
def goal_outcome(request, goal_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    goal = access.goal_for_edit(request.user, goal_id)
    form = OutcomeForm(request.POST, prefix=f"goal-{goal.pk}")
    if form.is_valid():
        try:
            actions.record_outcome(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Outcome recorded: {goal.title}.")
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(reverse("plan", args=[goal.plan_id]) + "#loop")


@login_required
def plan_close(request, plan_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = access.plan_for_edit(request.user, plan_id)
    try:
        actions.close_plan(plan=found, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(found)
    messages.success(request, "Plan closed. Start the next plan from the latest review.")
    return redirect("team_plan", found.team.organisation.programme.slug, found.team.slug)


@login_required
def plan_sign_off(request, plan_id):
    found = access.plan_for_sign_off(request.user, plan_id)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "sign_off":
                actions.sign_off(plan=found, comment=form.cleaned_data["comment"], by=request.user)
                messages.success(request, "Plan signed off.")
            else:
                actions.send_back(plan=found, comment=form.cleaned_data["comment"], by=request.user)
                messages.success(request, "Plan sent back to the team with your comment.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(found)
    return render(
        request,
        "improvement/sign_off.jinja",
        {
            "plan": found,
            "board": plan_board(found),
            "form": form,
            "errors": error_list(form),
            "awaiting": found.status == PlanStatus.AWAITING_SIGN_OFF,
            "breadcrumbs": _plan_crumbs(found, ("Sign-off", "")),
        },
        status=status_for(form),
    )


@login_required
def plan_history(request, plan_id):
    found = access.plan_for_view(request.user, plan_id)
    entries = history_entries(found)
    pages = paginate(request, entries, per_page=50)
    return render(
        request,
        "improvement/history.jinja",
        {
            "plan": found,
            "pages": pages,
            "breadcrumbs": _plan_crumbs(found, ("History", "")),
        },
    )


@login_required
def my_actions(request):
    today = datetime.date.today()
    owned = (
        access.actions_owned_by(request.user)
        .select_related("goal__plan__team__organisation__programme")
        .order_by("due_on", "pk")
    )
    pages = paginate(request, owned, per_page=50)
    return render(
        request,
        "improvement/my_actions.jinja",
        {
            "pages": pages,
            "today": today,
            "breadcrumbs": breadcrumbs(("Home", reverse("home")), ("My actions", "")),
        },
    )


@login_required
def plans_overview(request, slug):
    programme, scope = access.programme_for_overview(request.user, slug)
    today = datetime.date.today()
    shown = request.GET.get("show", "attention")
    if shown not in overview.FILTERS:
        shown = "attention"
    quiet = actions.quiet_before(actions.settings_for(programme), today)
    teams = scope.teams.select_related("organisation").order_by("name", "pk")
    if shown == "attention":
        teams = overview.teams_needing_attention(teams, today, quiet)
    pages = paginate(request, teams, per_page=25)
    return render(
        request,
        "improvement/overview.jinja",
        {
            "programme": programme,
            "scope": scope,
            "shown": shown,
            "filters": overview.FILTERS,
            "pages": pages,
            "rows": overview.rows_for(list(pages.items), today, quiet),
            "summary": overview.summary(scope.teams, quiet),
            "can_change_settings": access.can_change_plan_settings(request.user, programme),
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                ("Plans", ""),
            ),
        },
    )


@login_required
def plan_pdf(request, plan_id):
    found = access.plan_for_view(request.user, plan_id)
    html = pdf.render_html(
        "improvement/plan_pdf.jinja", {"plan": found, "board": plan_board(found)}
    )
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.team.slug}-plan.pdf"'
    return response


@login_required
def plan_export(request, plan_id, fmt):
    found = access.plan_for_view(request.user, plan_id)
    return exports.response(found, fmt)


@login_required
def group(request, slug, team_slug):
    team = access.team_for_plans(request.user, slug, team_slug)
    can_edit = access.can_edit_plans(request.user, team)
    form = None
    if can_edit:
        form = GroupMemberForm(request.POST or None, people=access.owners_for(team))
        if request.method == "POST" and form.is_valid():
            try:
                added = actions.add_group_member(team=team, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{added.display_name} added to the group.")
                return redirect("plan_group", slug, team_slug)
    elif request.method == "POST":
        access.team_for_planning(request.user, slug, team_slug)  # says who keeps the list
    return render(
        request,
        "improvement/group.jinja",
        {
            "team": team,
            "members": access.group_of(team),
            "form": form,
            "errors": error_list(form) if form else [],
            "breadcrumbs": _crumbs(team, ("Service improvement group", "")),
        },
        status=status_for(form) if form else 200,
    )


@login_required
def group_remove(request, slug, team_slug, member_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    team = access.team_for_plans(request.user, slug, team_slug)
    member = access.group_member_for_edit(request.user, team, member_id)
    name = member.display_name
    actions.remove_group_member(member=member)
    messages.success(request, f"{name} removed from the group.")
    return redirect("plan_group", slug, team_slug)


@login_required
def plan_settings(request, slug):
    programme = access.programme_for_plan_settings(request.user, slug)
    current = actions.settings_for(programme)
    form = PlanSettingsForm(
        request.POST or None,
        initial={
            "monthly_hours_warning": current.monthly_hours_warning,
            "stalled_after_weeks": current.stalled_after_weeks,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_settings(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Plan settings saved.")
            return redirect("plans_overview", slug)
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "Plan settings",
            "caption": programme.name,
            "intro": "How every team's plan in the programme warns about staff time and "
            "when it counts as having had no update.",
            "submit": "Save settings",
            "cancel": reverse("plans_overview", args=[slug]),
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                ("Plans", reverse("plans_overview", args=[slug])),
                ("Settings", ""),
            ),
        },
        status=status_for(form),
    )


@login_required
def goal_remove(request, goal_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    goal = access.goal_for_edit(request.user, goal_id)
    try:
        actions.remove_goal(goal=goal, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Goal removed: {goal.title}.")
    return redirect(goal.plan)
