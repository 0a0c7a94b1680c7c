"""Service improvement plans: starting one from a review, goals, owned actions with time,
sign-off, changes after sign-off with their reasons, and who sees and does what."""

import datetime
import re
from decimal import Decimal

import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fidelis import pdf
from fidelis.improvement import access, actions, overview
from fidelis.improvement.board import plan_board
from fidelis.improvement.loop import loop_for
from fidelis.improvement.models import Action, ActionStatus, Goal, GroupMember, Plan, PlanStatus
from fidelis.improvement.suggest import candidates
from fidelis.programmes.models import Team
from fidelis.reviews.models import Review, Status
from fidelis.reviews.scores import item_results, item_scores
from tests.conftest import page_text

ASHBY = "ashby-crisis-resolution-team"
KESTREL = "kestrel-bay-crisis-team"


def latest_review(team):
    return (
        Review.objects.filter(team=team, status=Status.FINALISED)
        .order_by("-visit_date", "-pk")
        .first()
    )


def fresh_plan(team, by, n_items=2):
    """A new draft plan for the team from its latest review (earlier plans removed)."""
    Plan.objects.filter(team=team).delete()
    review = latest_review(team)
    found = candidates(review)[:n_items]
    items = {i.number: i for i in review.scale.items.all()}
    return actions.start_plan(
        team=team,
        review=review,
        chosen=[
            {"item": items[c.number], "criteria": c.not_met, "target": c.target} for c in found
        ],
        by=by,
    )


@pytest.fixture
def ashby(db):
    return Team.objects.get(slug=ASHBY)


@pytest.fixture
def draft(ashby, users):
    return fresh_plan(ashby, users["manager"])


def add_action(goal, person, **changes):
    values = {
        "goal": goal,
        "title": "Write the new assessment checklist",
        "owner": person,
        "due_on": goal.plan.starts_on + datetime.timedelta(days=60),
        "hours": Decimal("6"),
        "by": person,
    }
    values.update(changes)
    return actions.save_action(**values)


def signed_off(plan, users):
    for goal in plan.goals.all():
        if not goal.actions.exists():
            add_action(goal, users["member"])
    actions.submit(plan=plan, by=users["manager"])
    return actions.sign_off(plan=plan, by=users["sponsor"])


# Starting from a review ---------------------------------------------------------------------


def test_a_plan_starts_from_the_reviews_suggestions_with_one_goal_per_item(draft):
    review = draft.review
    found = candidates(review)
    assert found and found[0].suggested and found[0].reasons
    # Every candidate is below the top score; the suggested ones come first.
    assert all(c.score < c.max_score for c in found)
    assert [c.suggested for c in found] == sorted((c.suggested for c in found), reverse=True)
    goals = list(draft.goals.prefetch_related("items__item"))
    assert len(goals) == 2
    for goal, candidate in zip(goals, found[:2], strict=True):
        link = goal.items.get()
        assert link.item.number == candidate.number
        assert link.criteria == candidate.not_met
        assert goal.target_score == candidate.score + 1
    assert draft.status == PlanStatus.DRAFT
    assert (draft.ends_on - draft.starts_on).days in range(365, 367)


def test_a_plan_is_refused_without_items_or_while_another_is_in_progress(draft, users):
    team = draft.team
    before = Plan.objects.count()
    with pytest.raises(ValidationError, match="already has a plan"):
        actions.start_plan(team=team, review=draft.review, chosen=[], by=users["manager"])
    draft.delete()
    with pytest.raises(ValidationError) as refused:
        actions.start_plan(team=team, review=latest_review(team), chosen=[], by=users["manager"])
    assert "items" in refused.value.message_dict
    other = Team.objects.get(slug=KESTREL)
    with pytest.raises(ValidationError, match="team's finalised reviews"):
        actions.start_plan(
            team=team, review=latest_review(other), chosen=[{"item": None}], by=users["lead"]
        )
    assert Plan.objects.count() == before - 1


# Actions: an owner, a date in the plan, time ------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": None, "by": None}, "owner"),
        ({"due_on": datetime.date(2001, 1, 1)}, "due_on"),
        ({"hours": Decimal("-1")}, "hours"),
        ({"hours": None}, "hours"),
        ({"title": "  "}, "title"),
        ({"status": ActionStatus.BLOCKED, "status_reason": ""}, "status_reason"),
    ],
)
def test_an_action_is_refused_beside_the_field_and_nothing_is_saved(draft, users, change, field):
    goal = draft.goals.first()
    with pytest.raises(ValidationError) as refused:
        add_action(goal, users["member"], **change)
    assert field in refused.value.message_dict
    assert not Action.objects.filter(goal__plan=draft).exists()


def test_an_owner_must_have_a_role_in_the_team(draft, users):
    with pytest.raises(ValidationError) as refused:
        add_action(draft.goals.first(), users["other"])
    assert refused.value.message_dict["owner"] == ["Choose someone with a role in the team."]


# Sign-off ---------------------------------------------------------------------------------


def test_submitting_needs_an_owned_action_for_every_goal(draft, users):
    with pytest.raises(ValidationError, match="Every goal needs at least one action"):
        actions.submit(plan=draft, by=users["manager"])
    assert Plan.objects.get(pk=draft.pk).status == PlanStatus.DRAFT
    plan = signed_off(draft, users)
    assert plan.status == PlanStatus.SIGNED_OFF
    assert plan.signed_off_by == users["sponsor"] and plan.signed_off_at is not None


def test_a_plan_sent_back_needs_a_comment_and_returns_to_draft(draft, users):
    for goal in draft.goals.all():
        add_action(goal, users["member"])
    actions.submit(plan=draft, by=users["manager"])
    with pytest.raises(ValidationError) as refused:
        actions.send_back(plan=draft, comment=" ", by=users["sponsor"])
    assert "comment" in refused.value.message_dict
    assert Plan.objects.get(pk=draft.pk).status == PlanStatus.AWAITING_SIGN_OFF
    actions.send_back(plan=draft, comment="Goal 2 has no measure yet.", by=users["sponsor"])
    plan = Plan.objects.get(pk=draft.pk)
    assert plan.status == PlanStatus.DRAFT
    assert plan.returned_comment == "Goal 2 has no measure yet."


def test_after_sign_off_a_change_to_a_goal_or_a_due_date_needs_a_reason(draft, users):
    plan = signed_off(draft, users)
    goal = plan.goals.first()
    items = [link.item for link in goal.items.all()]
    values = {
        "plan": plan,
        "goal": goal,
        "title": goal.title,
        "items": items,
        "target_score": (goal.target_score or 3) + 1,
        "by": users["manager"],
    }
    with pytest.raises(ValidationError) as refused:
        actions.save_goal(**values)
    assert "reason" in refused.value.message_dict
    assert Goal.objects.get(pk=goal.pk).target_score == goal.target_score
    actions.save_goal(**values, reason="The sponsor agreed a higher target.")
    latest = Goal.history.filter(id=goal.pk).order_by("-history_id").first()
    assert latest.history_change_reason == "The sponsor agreed a higher target."
    assert latest.target_score == values["target_score"]

    action = goal.actions.first()
    moved = {
        "goal": goal,
        "action": action,
        "title": action.title,
        "owner": action.owner,
        "due_on": action.due_on + datetime.timedelta(days=14),
        "hours": action.hours,
        "by": users["manager"],
    }
    with pytest.raises(ValidationError) as refused:
        actions.save_action(**moved)
    assert "reason" in refused.value.message_dict
    assert Action.objects.get(pk=action.pk).due_on == action.due_on
    actions.save_action(**moved, reason="The audit tool arrives later.")
    assert Action.objects.get(pk=action.pk).due_on == moved["due_on"]


def test_progress_is_dated_and_a_blocked_action_says_why(draft, users):
    action = add_action(draft.goals.first(), users["member"])
    with pytest.raises(ValidationError) as refused:
        actions.record_progress(
            action=action, note="Waiting.", status=ActionStatus.BLOCKED, by=users["member"]
        )
    assert "status_reason" in refused.value.message_dict
    assert not action.updates.exists()
    actions.record_progress(
        action=action,
        note="Waiting for the records team.",
        status=ActionStatus.BLOCKED,
        status_reason="No access to the audit data yet.",
        by=users["member"],
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.BLOCKED
    assert action.updates.get().written_by == users["member"]


# Pages and who sees them --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("facilitator", 200),
        ("manager", 200),
        ("member", 200),
        ("sponsor", 200),
        ("reviewer", 404),
        ("expert", 404),
        ("evaluator", 404),
        ("other", 404),
    ],
)
def test_a_plan_is_open_to_the_team_its_facilitator_sponsor_and_lead(
    persona, status, as_user, draft
):
    assert as_user(persona).get(reverse("plan", args=[draft.pk])).status_code == status
    team_url = reverse("team_plan", args=[draft.team.organisation.programme.slug, ASHBY])
    assert as_user(persona).get(team_url).status_code in ({302} if status == 200 else {404})


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lead", 200), ("facilitator", 200), ("manager", 200), ("member", 403), ("sponsor", 403)],
)
def test_the_manager_facilitator_and_lead_draft_the_plan(persona, status, as_user, draft):
    response = as_user(persona).get(reverse("plan_goal_new", args=[draft.pk]))
    assert response.status_code == status
    goal = draft.goals.first()
    response = as_user(persona).get(reverse("plan_action_new", args=[goal.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("sponsor", 200), ("manager", 403), ("lead", 403), ("member", 403)]
)
def test_only_the_organisations_sponsor_signs_off(persona, status, as_user, draft, users):
    for goal in draft.goals.all():
        add_action(goal, users["member"])
    actions.submit(plan=draft, by=users["manager"])
    url = reverse("plan_sign_off", args=[draft.pk])
    response = as_user(persona).post(url, {"decision": "sign_off"})
    assert response.status_code == (302 if status == 200 else status)
    expected = PlanStatus.SIGNED_OFF if status == 200 else PlanStatus.AWAITING_SIGN_OFF
    assert Plan.objects.get(pk=draft.pk).status == expected


def goal_post(goal, **changes):
    """The goal form's fields as the page sends them, for `goal`, with `changes`."""
    data = {
        "title": goal.title,
        "items": [str(link.item_id) for link in goal.items.all()],
        "criteria": [f"{link.item.number}:{c}" for link in goal.items.all() for c in link.criteria],
        "target_score": goal.target_score or "",
        "success": goal.success,
        "measure": goal.measure,
        "lead": "",
        "meets": "",
        "reports_to": "",
    }
    data.update(changes)
    return data


def test_a_new_goal_takes_the_criteria_ticked_under_its_items(as_user, draft):
    scale = draft.team.organisation.programme.scale
    items = {i.number: i for i in scale.items.all()}
    taken = {link.item.number for goal in draft.goals.all() for link in goal.items.all()}
    number = next(n for n in sorted(items) if n not in taken)
    letters = items[number].definition.letters
    url = reverse("plan_goal_new", args=[draft.pk])
    page = as_user("manager").get(url).content.decode()
    # Every item's criteria are on the page, under the item, before the goal is saved.
    assert f'value="{number}:{letters[0]}"' in page and "nhsuk-checkboxes__conditional" in page
    other = next(n for n in sorted(items) if n not in taken and n != number)
    response = as_user("manager").post(
        url,
        {
            "title": "Assess within the hour",
            "items": [str(items[number].pk)],
            # The second is under an item left unticked: it goes with that item.
            "criteria": [f"{number}:{letters[0]}", f"{other}:{letters[0]}"],
            "target_score": "",
        },
    )
    assert response.status_code == 302
    goal = draft.goals.get(title="Assess within the hour")
    assert [(link.item.number, link.criteria) for link in goal.items.all()] == [
        (number, [letters[0]])
    ]


def test_unticking_an_items_criteria_clears_them_and_a_made_up_one_is_refused(as_user, draft):
    goal = draft.goals.first()
    link = goal.items.select_related("item").get()
    assert link.criteria, "the demo goal starts from the criteria not met"
    url = reverse("plan_goal_edit", args=[goal.pk])
    response = as_user("manager").post(url, goal_post(goal, criteria=[f"{link.item.number}:zz"]))
    assert response.status_code == 400
    assert "Choose criteria from the linked items" in page_text(response)
    link.refresh_from_db()
    assert link.criteria  # nothing changed
    response = as_user("manager").post(url, goal_post(goal, criteria=[]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.criteria == []


def test_goals_missing_success_measure_or_lead_are_named_to_the_team_and_the_sponsor(
    as_user, draft, users
):
    first, second = list(draft.goals.order_by("order"))[:2]
    for goal in (first, second):
        add_action(goal, users["member"])
    first.success, first.measure, first.lead = (
        "All within the hour",
        "Weekly audit",
        users["manager"],
    )
    first.save()
    url = draft.get_absolute_url()
    text = page_text(as_user("manager").get(url))
    assert "Not filled in yet" in text
    assert f"2. {second.title} : what success looks like, how progress is measured, who leads" in (
        text  # the title links to the goal's form
    )
    assert f"1. {first.title}:" not in text
    assert "Not filled in yet" not in page_text(as_user("member").get(url))
    actions.submit(plan=draft, by=users["manager"])  # the gaps do not stop it
    sign_off = page_text(as_user("sponsor").get(reverse("plan_sign_off", args=[draft.pk])))
    assert f"2. {second.title}: what success looks like" in sign_off
    second.success, second.measure, second.lead = "Fewer", "Monthly count", users["member"]
    second.save()
    assert "Not filled in yet" not in page_text(as_user("sponsor").get(url))


def test_an_action_without_an_owner_is_refused_on_the_page_and_what_was_typed_kept(as_user, draft):
    goal = draft.goals.first()
    response = as_user("manager").post(
        reverse("plan_action_new", args=[goal.pk]),
        {
            "title": "Audit the care plans",
            "owner": "",
            "due_on": "",
            "hours": "5",
            "status": "not_started",
        },
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Every action needs a named owner" in text
    assert 'value="Audit the care plans"' in response.content.decode()
    assert not Action.objects.filter(goal=goal).exists()


def test_the_owner_records_progress_and_others_may_not(as_user, draft, users):
    action = add_action(draft.goals.first(), users["member"])
    url = reverse("plan_action", args=[action.pk])
    response = as_user("member").post(
        url, {"note": "First draft shared with the team.", "status": "in_progress"}
    )
    assert response.status_code == 302
    assert Action.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS
    assert as_user("sponsor").post(url, {"note": "x", "status": "done"}).status_code == 403
    assert as_user("other").get(url).status_code == 404
    assert Action.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS


def test_my_actions_and_the_home_page_show_what_is_overdue(as_user, draft, users):
    action = add_action(draft.goals.first(), users["member"], title="Agree the triage rota")
    Action.objects.filter(pk=action.pk).update(due_on=datetime.date.today() - datetime.timedelta(1))
    text = page_text(as_user("member").get(reverse("my_actions")))
    assert "Agree the triage rota" in text and "Overdue" in text
    assert "Overdue: Agree the triage rota" in page_text(as_user("member").get(reverse("home")))
    assert "Agree the triage rota" not in page_text(as_user("other").get(reverse("my_actions")))


def test_the_sponsor_is_asked_to_sign_off_on_their_home_page(as_user, draft, users):
    for goal in draft.goals.all():
        add_action(goal, users["member"])
    actions.submit(plan=draft, by=users["manager"])
    text = page_text(as_user("sponsor").get(reverse("home")))
    assert "Sign off the plan: Ashby Crisis Resolution Team" in text
    assert "Sign off the plan" not in page_text(as_user("manager").get(reverse("home")))


def test_the_plan_shows_hours_per_person_and_month_and_warns_over_the_limit(as_user, draft, users):
    goal = draft.goals.first()
    due = draft.starts_on + datetime.timedelta(days=3)
    add_action(goal, users["member"], hours=Decimal("12"), due_on=due)
    text = page_text(as_user("manager").get(reverse("plan", args=[draft.pk])))
    assert "Mo Farah has 12 hours planned in" in text
    assert "more than the programme's 8 a month" in text


def test_the_history_shows_each_change_with_its_reason(as_user, draft, users):
    plan = signed_off(draft, users)
    goal = plan.goals.first()
    actions.save_goal(
        plan=plan,
        goal=goal,
        title="Faster first contact",
        items=[link.item for link in goal.items.all()],
        target_score=goal.target_score,
        reason="The working group renamed it.",
        by=users["manager"],
    )
    text = page_text(as_user("sponsor").get(reverse("plan_history", args=[plan.pk])))
    assert "The working group renamed it." in text
    assert "Signed off" in text


# The loop to the next review ----------------------------------------------------------------


def demo_plan_with_a_next_review(ashby):
    """Ashby's demo plan from its 6-month review; the 12-month review is finalised since."""
    return Plan.objects.get(team=ashby, review__timepoint__key="6m")


def test_after_the_next_review_each_goal_shows_its_items_before_and_after(ashby):
    plan = demo_plan_with_a_next_review(ashby)
    loop = loop_for(plan)
    assert loop is not None and loop.review.timepoint.key == "12m"
    before, after = item_scores(plan.review), item_scores(loop.review)
    before_results = item_results(plan.review)
    after_results = item_results(loop.review)
    assert len(loop.goals) == plan.goals.count()
    seen_newly = False
    for change in loop.goals:
        numbers = set(change.goal.items.values_list("item__number", flat=True))
        assert {i.number for i in change.items} == numbers
        for item in change.items:
            assert (item.before, item.after) == (before[item.number], after[item.number])
            for letter in item.newly_met:
                assert after_results[item.number].statuses[letter] == "met"
                assert before_results[item.number].statuses[letter] != "met"
            seen_newly = seen_newly or bool(item.newly_met)
    assert seen_newly, "the demo's finished cycle should show some criteria newly met"


def test_outcomes_wait_for_the_next_review_and_closing_needs_them_all(draft, users):
    goal = draft.goals.first()
    with pytest.raises(ValidationError, match="once the team's next review is finalised"):
        actions.record_outcome(goal=goal, outcome="achieved", by=users["manager"])
    assert Goal.objects.get(pk=goal.pk).outcome == ""


def test_a_plan_closes_once_every_outcome_is_recorded_and_goals_carry_on(ashby, users):
    plan = demo_plan_with_a_next_review(ashby)
    first, *rest = plan.goals.all()
    actions.record_outcome(goal=first, outcome="achieved", by=users["manager"])
    with pytest.raises(ValidationError, match="Record how far each goal got"):
        actions.close_plan(plan=plan, by=users["manager"])
    for goal in rest:
        actions.record_outcome(
            goal=goal, outcome="not_achieved", note="No time.", by=users["manager"]
        )
    actions.close_plan(plan=plan, by=users["manager"])
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.CLOSED
    carry = [g for g in access.goals_to_carry(ashby) if g.outcome != "achieved"]
    assert [g.pk for g in carry] == [g.pk for g in rest]
    review = latest_review(ashby)
    new = actions.start_plan(
        team=ashby, review=review, chosen=[], carried=carry, by=users["manager"]
    )
    carried = list(new.goals.all())
    assert [g.carried_from_id for g in carried] == [g.pk for g in rest]
    assert [g.title for g in carried] == [g.title for g in rest]


def test_the_plan_page_shows_the_loop_and_takes_an_outcome(as_user, ashby):
    plan = demo_plan_with_a_next_review(ashby)
    url = reverse("plan", args=[plan.pk])
    text = page_text(as_user("member").get(url))
    assert "Since the plan: the 12 months review" in text
    assert "Record the outcome" not in text  # members read; the manager records
    goal = plan.goals.first()
    response = as_user("manager").post(
        reverse("plan_goal_outcome", args=[goal.pk]),
        {f"goal-{goal.pk}-outcome": "partly", f"goal-{goal.pk}-note": "Half the shifts so far."},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.outcome, goal.outcome_note) == ("partly", "Half the shifts so far.")
    assert (
        as_user("member")
        .post(reverse("plan_goal_outcome", args=[goal.pk]), {f"goal-{goal.pk}-outcome": "achieved"})
        .status_code
        == 403
    )


# The overview -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("facilitator", 200),
        ("sponsor", 200),
        ("manager", 403),
        ("member", 403),
        ("reviewer", 403),
        ("expert", 403),
        ("evaluator", 403),
        ("other", 403),
    ],
)
def test_the_plans_overview_is_for_the_lead_facilitators_and_sponsors(
    persona, status, as_user, programme
):
    response = as_user(persona).get(reverse("plans_overview", args=[programme.slug]))
    assert response.status_code == status


def test_the_overview_shows_each_role_its_teams_and_what_needs_help(as_user, programme):
    url = reverse("plans_overview", args=[programme.slug]) + "?show=all"
    facilitator = page_text(as_user("facilitator").get(url))
    for name in (
        "Ashby Crisis Resolution Team",
        "Corran Home Treatment Team",
        "Marlpit Crisis Team",
    ):
        assert name in facilitator
    assert "Kestrel Bay Crisis Team" not in facilitator
    sponsor = page_text(as_user("sponsor").get(url))
    assert "Ashby Crisis Resolution Team" in sponsor and "Marlpit Crisis Team" not in sponsor
    attention = page_text(
        as_user("facilitator").get(reverse("plans_overview", args=[programme.slug]))
    )
    assert "Awaiting sign-off" in attention  # Corran
    assert "No update for weeks" in attention  # Marlpit
    assert re.search(r"\d+ overdue", attention)  # Ashby
    lead = as_user("lead").get(url)
    assert lead.status_code == 200 and "Kestrel Bay Crisis Team" in page_text(lead)


# The plan on paper and as a spreadsheet ---------------------------------------------------


def test_the_one_page_plan_is_a_pdf_for_those_who_see_the_plan(as_user, ashby):
    plan = demo_plan_with_a_next_review(ashby)
    url = reverse("plan_pdf", args=[plan.pk])
    response = as_user("member").get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert as_user("reviewer").get(url).status_code == 404


def test_the_demos_fullest_plan_fits_one_landscape_sheet(ashby):
    plan = demo_plan_with_a_next_review(ashby)
    board = plan_board(plan)
    assert len(board.goals) >= 4 and sum(len(v.actions) for v in board.goals) >= 8
    html = pdf.render_html("improvement/plan_pdf.jinja", {"plan": plan, "board": board})
    pages = weasyprint.HTML(string=html).render().pages
    assert len(pages) == 1
    assert pages[0].width > pages[0].height  # A4 across, for a noticeboard


def test_the_actions_export_holds_every_action_of_the_plan(as_user, ashby):
    plan = demo_plan_with_a_next_review(ashby)
    response = as_user("sponsor").get(reverse("plan_export", args=[plan.pk, "csv"]))
    assert response.status_code == 200
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("goal,items,action,owner,due")
    titles = set(Action.objects.filter(goal__plan=plan).values_list("title", flat=True))
    assert len(lines) - 1 == Action.objects.filter(goal__plan=plan).count()
    for title in titles:
        assert title in response.content.decode()
    xlsx = as_user("sponsor").get(reverse("plan_export", args=[plan.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert as_user("other").get(reverse("plan_export", args=[plan.pk, "csv"])).status_code == 404
    assert as_user("sponsor").get(reverse("plan_export", args=[plan.pk, "pdf"])).status_code == 404


# The service improvement group --------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("manager", 302), ("facilitator", 302), ("lead", 302), ("member", 403), ("sponsor", 403)],
)
def test_the_manager_and_facilitator_keep_the_groups_list(persona, status, as_user, programme):
    url = reverse("plan_group", args=[programme.slug, ASHBY])
    assert as_user(persona).get(url).status_code == 200
    before = GroupMember.objects.filter(team__slug=ASHBY).count()
    response = as_user(persona).post(url, {"name": "Pat Rivers", "role": "lived_experience"})
    assert response.status_code == status
    after = GroupMember.objects.filter(team__slug=ASHBY).count()
    assert after == before + (1 if status == 302 else 0)


def test_the_group_refuses_someone_outside_the_team_and_a_nameless_member(
    as_user, users, programme
):
    url = reverse("plan_group", args=[programme.slug, ASHBY])
    before = GroupMember.objects.filter(team__slug=ASHBY).count()
    response = as_user("manager").post(url, {"user": users["other"].pk, "role": "staff"})
    assert response.status_code == 400
    response = as_user("manager").post(url, {"user": "", "name": "", "role": "staff"})
    assert response.status_code == 400
    assert "type the name of someone without an account" in page_text(response)
    assert GroupMember.objects.filter(team__slug=ASHBY).count() == before
    assert as_user("other").get(url).status_code == 404


def test_a_group_member_is_removed_by_the_manager_only(as_user, programme):
    member = GroupMember.objects.filter(team__slug=ASHBY).first()
    url = reverse("plan_group_remove", args=[programme.slug, ASHBY, member.pk])
    assert as_user("member").post(url).status_code == 403
    assert GroupMember.objects.filter(pk=member.pk).exists()
    assert as_user("manager").post(url).status_code == 302
    assert not GroupMember.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("lead", 302), ("facilitator", 403), ("sponsor", 403), ("manager", 403)]
)
def test_the_lead_sets_the_hours_warning_and_the_quiet_period(persona, status, as_user, programme):
    url = reverse("plan_settings", args=[programme.slug])
    response = as_user(persona).post(
        url, {"monthly_hours_warning": "6", "stalled_after_weeks": "3"}
    )
    assert response.status_code == status
    expected = Decimal("6") if status == 302 else Decimal("8")
    assert actions.settings_for(programme).monthly_hours_warning == expected


def test_bad_settings_are_refused_and_nothing_changes(as_user, programme):
    url = reverse("plan_settings", args=[programme.slug])
    response = as_user("lead").post(
        url, {"monthly_hours_warning": "0", "stalled_after_weeks": "99"}
    )
    assert response.status_code == 400
    assert actions.settings_for(programme).stalled_after_weeks == 4


def test_saving_an_action_warns_when_the_owners_month_goes_over(as_user, draft, users):
    goal = draft.goals.first()
    response = as_user("manager").post(
        reverse("plan_action_new", args=[goal.pk]),
        {
            "title": "Shadow the night shift",
            "owner": users["member"].pk,
            "due_on": (draft.starts_on + datetime.timedelta(days=3)).isoformat(),
            "hours": "20",
            "status": "not_started",
        },
        follow=True,
    )
    assert "Mo Farah has 20 hours planned in" in page_text(response)


def test_a_goal_is_removed_from_a_draft_only(as_user, draft, users):
    goal, other = list(draft.goals.all())[:2]
    assert as_user("member").post(reverse("plan_goal_remove", args=[goal.pk])).status_code == 403
    assert as_user("manager").post(reverse("plan_goal_remove", args=[goal.pk])).status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()
    plan = signed_off(draft, users)
    as_user("manager").post(reverse("plan_goal_remove", args=[other.pk]))
    assert Goal.objects.filter(pk=other.pk, plan=plan).exists()


def test_a_sign_off_comment_is_kept_and_shown(as_user, draft, users):
    for goal in draft.goals.all():
        add_action(goal, users["member"])
    actions.submit(plan=draft, by=users["manager"])
    as_user("sponsor").post(
        reverse("plan_sign_off", args=[draft.pk]),
        {"decision": "sign_off", "comment": "Good: keep the families goal in view."},
    )
    assert "Good: keep the families goal in view." in page_text(
        as_user("member").get(reverse("plan", args=[draft.pk]))
    )


def test_a_target_at_or_below_todays_score_is_refused(draft, users):
    goal = draft.goals.first()
    link = goal.items.select_related("item").get()
    today = item_scores(draft.review)[link.item.number]
    with pytest.raises(ValidationError) as refused:
        actions.save_goal(
            plan=draft,
            goal=goal,
            title=goal.title,
            items=[link.item],
            target_score=today,
            by=users["manager"],
        )
    assert "target_score" in refused.value.message_dict


def test_needing_attention_is_exactly_the_teams_whose_plan_needs_help(draft, users):
    plan = signed_off(draft, users)  # starts today or later; every action is due later
    settings = actions.settings_for(plan.team.organisation.programme)
    today = datetime.date.today()
    team = Team.objects.filter(pk=plan.team_id)

    def flagged(on=today):  # the plan's quiet period is always counted back from today
        quiet = actions.quiet_before(settings, today)
        return overview.teams_needing_attention(team, on, quiet).exists()

    assert not flagged()  # signed off, changed today, nothing overdue or blocked
    action = Action.objects.filter(goal__plan=plan).first()
    Action.objects.filter(goal__plan=plan).exclude(pk=action.pk).update(status=ActionStatus.DONE)
    assert flagged(action.due_on + datetime.timedelta(days=1))  # open past its due date
    assert not flagged(action.due_on)  # due today is not overdue
    actions.record_progress(
        action=action,
        note="Waiting for a room",
        status=ActionStatus.BLOCKED,
        status_reason="No room until March",
        by=users["member"],
    )
    assert flagged()
    actions.record_progress(
        action=action, note="Done", status=ActionStatus.DONE, by=users["member"]
    )
    assert not flagged()
    assert not flagged(action.due_on + datetime.timedelta(days=1))  # done is never overdue
    # Quiet: no change since the programme's quiet period began.
    weeks = datetime.timedelta(weeks=settings.stalled_after_weeks)
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - weeks)
    assert not flagged()  # changed on the first day of the period: not yet quiet
    Plan.objects.filter(pk=plan.pk).update(
        updated_at=timezone.now() - weeks - datetime.timedelta(days=1)
    )
    assert flagged()
    # A closed plan: the team has no plan in progress, which needs attention...
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.CLOSED)
    Action.objects.filter(goal__plan=plan).update(status=ActionStatus.BLOCKED)
    assert flagged()
    # ...until the next plan starts; the closed plan's blocked actions count for nothing.
    newer = actions.start_plan(
        team=plan.team,
        review=plan.review,
        chosen=[{"item": plan.goals.first().items.get().item}],
        by=users["manager"],
    )
    signed_off(newer, users)
    assert not flagged()


def test_a_plan_sent_back_needs_attention_on_the_overview(as_user, draft, users, programme):
    for goal in draft.goals.all():
        add_action(goal, users["member"])
    actions.submit(plan=draft, by=users["manager"])
    actions.send_back(plan=draft, comment="Add a measure to each goal.", by=users["sponsor"])
    text = page_text(as_user("facilitator").get(reverse("plans_overview", args=[programme.slug])))
    assert "Sent back" in text


def test_the_home_page_asks_for_the_outcomes_once_the_next_review_is_finalised(as_user, ashby):
    step = "Record how far each goal got: Ashby Crisis Resolution Team's plan"
    plan = Plan.objects.get(team=ashby, status=PlanStatus.SIGNED_OFF)
    later = Review.objects.filter(
        team=ashby, status=Status.FINALISED, visit_date__gt=plan.review.visit_date
    )
    assert later.exists()
    assert step in page_text(as_user("facilitator").get("/"))
    later.update(status=Status.RATING)
    assert step not in page_text(as_user("facilitator").get("/"))
