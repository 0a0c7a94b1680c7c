"""The resource library: who sees it, adds to it and shares with it; a team's resource
invisible to other teams until the lead approves it; the full-text search and its filters;
refusals that save nothing; and each item's resources where the work is done."""

import pytest
from django.urls import reverse

from fidelis.pages import item_resources
from fidelis.programmes.models import Programme, Team
from fidelis.resources import access, actions, library
from fidelis.resources.models import Resource, ResourceUse, Status
from fidelis.resources.usage import items_of_resources as usage_items
from tests.conftest import page_text

PERSONAS = ("lead", "facilitator", "reviewer", "expert", "manager", "member", "sponsor")
PERSONAS += ("evaluator", "other")


@pytest.fixture
def pending(db):
    return Resource.objects.get(status=Status.PENDING)


@pytest.fixture
def published(db):
    return Resource.objects.get(title="Running a safe overnight crisis service")


def library_url(programme, **query):
    url = reverse("library", args=[programme.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_in_the_programme_opens_the_library(persona, as_user, programme, published):
    client = as_user(persona)
    text = page_text(client.get(library_url(programme)))
    assert "Resource library" in text
    assert "Showing 1 to 20 of 46" in text  # every published one, not the one waiting
    assert client.get(published.get_absolute_url()).status_code == 200
    manage = client.get(reverse("resource_new", args=[programme.slug])).status_code
    assert manage == (200 if persona == "lead" else 403)
    usage = client.get(reverse("resource_usage", args=[programme.slug])).status_code
    assert usage == (200 if persona == "lead" else 403)
    assert client.get(reverse("resource_approvals", args=[programme.slug])).status_code == (
        200 if persona == "lead" else 403
    )


def test_someone_outside_the_programme_sees_nothing(client, django_user_model, published):
    outsider = django_user_model.objects.create_user("outsider", password="x")
    client.force_login(outsider)
    assert client.get(published.get_absolute_url()).status_code == 404
    assert client.get(reverse("resource_file", args=[published.pk])).status_code == 404
    assert client.get(reverse("library", args=["crisis-care-2026"])).status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("lead", True),
        ("facilitator", True),  # Marlpit's facilitator
        ("manager", False),
        ("member", False),
        ("sponsor", False),
        ("reviewer", False),
        ("evaluator", False),
        ("other", False),
    ],
)
def test_a_shared_resource_waits_unseen_by_other_teams(persona, sees, as_user, users, pending):
    assert pending.shared_by.name == "Marlpit Crisis Team"
    assert access.resources_visible_to(users[persona]).filter(pk=pending.pk).exists() == sees
    client = as_user(persona)
    assert client.get(pending.get_absolute_url()).status_code == (200 if sees else 404)
    listed = page_text(client.get(library_url(pending.programme, q="huddle")))
    assert (pending.title in listed) == (persona == "facilitator")  # "yours, waiting"
    shown = item_resources(
        client.get("/").wsgi_request.user,
        scale_id=pending.programme.scale_id,
        numbers=[i.number for i in pending.items.all()],
    )
    assert pending.title not in str(shown)


def test_the_lead_approves_and_then_every_team_sees_it(as_user, pending):
    member = as_user("member")
    assert member.get(pending.get_absolute_url()).status_code == 404
    response = as_user("lead").post(
        reverse("resource_decide", args=[pending.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.PUBLISHED
    text = page_text(member.get(pending.get_absolute_url()))
    # Marlpit agreed to be named.
    assert "Shared by Marlpit Crisis Team" in text


def test_an_unnamed_team_is_shown_as_a_team_in_the_programme(as_user, db):
    corran = Resource.objects.get(shared_by__name="Corran Home Treatment Team")
    assert corran.status == Status.PUBLISHED and not corran.show_team_name
    assert "Shared by a team in the programme" in page_text(
        as_user("member").get(corran.get_absolute_url())
    )
    assert "Shared by Corran Home Treatment Team" in page_text(
        as_user("facilitator").get(corran.get_absolute_url())
    )


def test_a_decline_needs_a_reason_and_the_team_sees_it(as_user, pending):
    url = reverse("resource_decide", args=[pending.pk])
    refused = as_user("lead").post(url, {"decision": "decline", "decline_reason": ""})
    assert refused.status_code == 400
    assert "Say why" in page_text(refused)
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    as_user("lead").post(url, {"decision": "decline", "decline_reason": "Remove the rota names."})
    pending.refresh_from_db()
    assert pending.status == Status.DECLINED
    text = page_text(as_user("facilitator").get(pending.get_absolute_url()))
    assert "Not approved" in text and "Remove the rota names." in text
    assert as_user("other").get(pending.get_absolute_url()).status_code == 404


def test_only_the_lead_decides(as_user, pending):
    url = reverse("resource_decide", args=[pending.pk])
    assert as_user("facilitator").post(url, {"decision": "approve"}).status_code == 403
    assert as_user("member").post(url, {"decision": "approve"}).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_a_team_member_shares_good_practice(as_user, programme, users):
    item = programme.scale.items.get(number=21)
    response = as_user("member").post(
        reverse("resource_share", args=[programme.slug]),
        {
            "title": "Our whiteboard layout",
            "use_when": "When your board has grown past one wall",
            "kind": "guide",
            "audience": "staff",
            "body": "Columns for new, settling, ending.",
            "items": [item.pk],
            "show_team_name": "on",
        },
    )
    assert response.status_code == 302
    shared = Resource.objects.get(title="Our whiteboard layout")
    assert shared.status == Status.PENDING
    assert shared.shared_by.name == "Ashby Crisis Resolution Team" and shared.show_team_name
    assert as_user("other").get(shared.get_absolute_url()).status_code == 404
    assert as_user("manager").get(shared.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "Give the resource a title."),
        ({"use_when": ""}, "use_when", "Say in one line when to use it"),
        ({"kind": "link", "url": ""}, "url", "Give the web address the link goes to."),
        ({"body": ""}, "body", "Write the resource here, or attach its file."),
        ({"items": []}, "items", "Link it to at least one item or section"),
        ({"body": "Seen: 943 476 5919."}, "body", "NHS number"),
        ({"title": "x" * 121}, "title", "Keep this to 120 characters"),
    ],
)
def test_a_resource_with_a_problem_is_refused_and_nothing_saved(
    change, field, message, as_user, programme
):
    item = programme.scale.items.get(number=3)
    data = {
        "title": "Referral routes on one page",
        "use_when": "When referrers keep ringing the wrong number",
        "kind": "guide",
        "audience": "managers",
        "body": "Who refers, how, and what happens next.",
        "items": [item.pk],
        **change,
    }
    before = Resource.objects.count()
    response = as_user("lead").post(reverse("resource_new", args=[programme.slug]), data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert Resource.objects.count() == before
    # What was typed is still there.
    if data["use_when"]:
        assert data["use_when"] in response.content.decode()


def test_search_finds_words_and_word_starts_best_first(programme, users):
    lead = users["lead"]
    found = library.search(lead, programme, q="carers")
    titles = [r.title for r in found]
    assert "Carer contact and information record" in titles
    assert all("carer" in r.search_text.lower() for r in found)
    assert next(r.title for r in library.search(lead, programme, q="overnigh")) == (
        "Running a safe overnight crisis service"
    )
    assert library.search(lead, programme, q="zzzz nothing") == []
    # Quotes and operators are words, never query syntax.
    assert isinstance(library.search(lead, programme, q='"NEAR(carers OR * -'), list)


def test_search_filters_by_item_section_kind_and_audience(as_user, programme, users):
    lead = users["lead"]
    by_item = list(library.search(lead, programme, item=12))
    assert by_item and all(12 in [i.number for i in r.items.all()] for r in by_item)
    links = list(library.search(lead, programme, kind="link"))
    assert links and all(r.kind == "link" for r in links)
    sponsors = list(library.search(lead, programme, audience="sponsors"))
    assert sponsors and all(r.audience == "sponsors" for r in sponsors)
    section = list(library.search(lead, programme, section=3))
    assert section and all(any(i.section.number == 3 for i in r.items.all()) for r in section)
    both = list(library.search(lead, programme, q="carers", item=12))
    assert both and set(both) <= set(by_item)
    text = page_text(as_user("member").get(library_url(programme, kind="link", q="carers")))
    assert "Carers Trust: support for unpaid carers" in text
    assert "Carer contact and information record" not in text  # a template


def test_each_item_shows_its_resources_where_the_work_is(as_user, programme, users):
    item = as_user("member").get(reverse("scale_item", args=["crisis-demo", "1.0", 12]))
    assert "Resources for this item" in page_text(item)
    assert "Carer contact and information record" in page_text(item)


def test_removing_a_resource_takes_its_file_and_counts(as_user, published):
    ResourceUse.objects.create(
        programme=published.programme, resource=published, team=None, day="2026-01-01", use="view"
    )
    url = reverse("resource_remove", args=[published.pk])
    assert as_user("manager").post(url).status_code == 403
    assert "This cannot be undone" in page_text(as_user("lead").get(url))
    assert as_user("lead").post(url).status_code == 302
    assert not Resource.objects.filter(pk=published.pk).exists()
    assert not ResourceUse.objects.filter(resource_id=published.pk).exists()


def test_a_sharing_team_changes_its_resource_only_until_approval(as_user, pending, users):
    edit = reverse("resource_edit", args=[pending.pk])
    marlpit = Team.objects.get(name="Marlpit Crisis Team")
    assert not access.can_change_resource(users["member"], pending)
    assert as_user("facilitator").get(edit).status_code == 403  # managers and the lead
    actions.approve(resource=pending, by=users["lead"])
    assert pending.shared_by == marlpit
    assert as_user("lead").get(edit).status_code == 200


def test_a_resource_for_a_whole_section_shows_beside_each_of_its_items(programme, users):
    section = programme.scale.sections.get(number=2)
    resource = actions.save_resource(
        programme=programme,
        by=users["lead"],
        title="Home treatment in one page",
        kind="guide",
        audience="staff",
        use_when="When someone new joins the team",
        body="What home treatment is and is not.",
        sections=[section],
    )
    numbers = list(section.items.values_list("number", flat=True))
    shown = item_resources(users["member"], scale_id=programme.scale_id, numbers=numbers)
    for number in numbers:
        assert resource.title in [link.text for link in shown.get(number, [])] or any(
            link.text.startswith("All ") for link in shown.get(number, [])
        )
    assert resource in list(library.search(users["member"], programme, item=numbers[0]))
    from_usage = usage_items(programme)
    assert from_usage[resource.pk] == set(numbers)


def test_every_change_to_the_library_shows_beside_items_on_the_next_request(
    programme, users, django_user_model
):
    """What the library shows beside items is kept between requests (per programme and
    version of its library), so each kind of change must count as a new version."""
    item = programme.scale.items.get(number=21)

    def titles(user=users["member"]):
        current = Programme.objects.get(pk=programme.pk)  # as each request reads it
        shown = item_resources(user, scale_id=programme.scale_id, numbers=[21], programme=current)
        return [link.text for link in shown.get(21, [])]

    before = titles()
    assert before  # item 21 has resources in the demo library
    added = actions.save_resource(
        programme=programme,
        by=users["lead"],
        title="A first look at handovers",
        kind="guide",
        audience="staff",
        use_when="Before the team reviews its handovers",
        body="What a handover must carry.",
        items=[item],
    )
    assert titles()[0] == "A first look at handovers"
    added.items.remove(item)
    assert titles() == before
    item.resources.add(added)  # linked from the item's side
    assert titles()[0] == "A first look at handovers"
    actions.remove(resource=added)
    assert titles() == before

    shared = actions.save_resource(
        programme=programme,
        by=users["member"],
        title="A handover sheet from Ashby",
        kind="template",
        audience="staff",
        use_when="When handovers overrun",
        body="Name, plan, risk, next visit.",
        items=[item],
        shared_by=Team.objects.get(name="Ashby Crisis Resolution Team"),
    )
    assert titles() == before  # awaiting approval: not in the library yet
    actions.approve(resource=shared, by=users["lead"])
    assert titles()[0] == "A handover sheet from Ashby"
    outsider = django_user_model.objects.create_user("outsider", password="x")
    assert titles(outsider) == []


def test_the_person_who_shared_changes_it_until_approved_and_no_one_else_in_the_team(
    as_user, programme, users
):
    shared = actions.save_resource(
        programme=programme,
        by=users["member"],
        title="Our handover sheet",
        kind="template",
        audience="staff",
        use_when="When handovers overrun",
        body="Name, plan, risk, next visit.",
        items=[programme.scale.items.get(number=21)],
        shared_by=Team.objects.get(name="Ashby Crisis Resolution Team"),
    )
    actions.decline(resource=shared, by=users["lead"], reason="Add the risk column.")
    edit = reverse("resource_edit", args=[shared.pk])
    assert as_user("member").get(edit).status_code == 200
    assert as_user("manager").get(edit).status_code == 200
    assert as_user("facilitator").get(edit).status_code == 403
    as_user("member").post(
        edit,
        {
            "title": "Our handover sheet",
            "use_when": "When handovers overrun",
            "kind": "template",
            "audience": "staff",
            "body": "Name, plan, risk, next visit, risk column.",
            "items": [programme.scale.items.get(number=21).pk],
        },
    )
    shared.refresh_from_db()
    assert shared.status == Status.PENDING  # asked again
    actions.approve(resource=shared, by=users["lead"])
    assert as_user("member").get(edit).status_code == 403


def test_deciding_again_says_it_is_decided(as_user, pending, users):
    actions.approve(resource=pending, by=users["lead"])
    response = as_user("lead").get(reverse("resource_decide", args=[pending.pk]), follow=True)
    assert "is approved already" in page_text(response)


def test_every_problem_is_shown_at_once_and_a_past_review_date_refused(as_user, programme):
    response = as_user("lead").post(
        reverse("resource_new", args=[programme.slug]),
        {"title": "x" * 121, "use_when": "", "kind": "guide", "audience": "staff"},
    )
    text = page_text(response)
    assert "Keep this to 120 characters" in text
    assert "Say in one line when to use it" in text
    assert "Link it to at least one item or section" in text
    past = as_user("lead").post(
        reverse("resource_new", args=[programme.slug]),
        {
            "title": "Old one",
            "use_when": "When",
            "kind": "guide",
            "audience": "staff",
            "body": "Text.",
            "items": [programme.scale.items.get(number=1).pk],
            "review_due": "2020-01-01",
        },
    )
    assert past.status_code == 400
    assert "Give a review date from today on" in page_text(past)
