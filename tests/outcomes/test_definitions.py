"""The programme's measures as the lead defines them: the starter set in one step, a
measure added or changed (every team's readings then follow), bad definitions refused
with nothing changed, and a measure with values kept. Only the lead may do any of it."""

import pytest
from django.urls import reverse

from fidelis.outcomes.models import Direction, Measure, MeasureValue, Reading
from tests.conftest import page_text

GOOD = {
    "name": "Repeat referrals",
    "key": "repeat-referrals",
    "unit": "%",
    "description": "Referrals of people the team saw in the past 28 days.",
    "direction": "decrease",
    "target": "",
    "kind": "rate",
    "rate_scale": "100",
    "response_items": "",
    "item_low": "1",
    "item_high": "4",
}


def measures_url(programme):
    return reverse("programme_measures", args=[programme.slug])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("lead", 200),
        ("reviewer", 403),
        ("evaluator", 403),
        ("facilitator", 403),
        ("sponsor", 403),
        ("manager", 403),
        ("member", 403),
        ("other", 403),
    ],
)
def test_only_the_lead_defines_the_measures(persona, status, as_user, programme):
    client = as_user(persona)
    measure = Measure.objects.filter(programme=programme).first()
    assert client.get(measures_url(programme)).status_code == status
    assert client.get(reverse("measure_new", args=[programme.slug])).status_code == status
    edit = reverse("measure_edit", args=[programme.slug, measure.pk])
    assert client.get(edit).status_code == status
    before = Measure.objects.count()
    response = client.post(reverse("measure_new", args=[programme.slug]), GOOD)
    assert response.status_code == (302 if status == 200 else status)
    assert Measure.objects.count() == before + (1 if status == 200 else 0)


def test_the_lead_adds_a_rate_and_it_is_listed_for_import(as_user, programme):
    client = as_user("lead")
    response = client.post(reverse("measure_new", args=[programme.slug]), GOOD)
    assert response["Location"] == measures_url(programme)
    added = Measure.objects.get(programme=programme, key="repeat-referrals")
    assert (added.is_rate, added.rate_scale, added.direction) == (True, 100, "decrease")
    assert added.order > max(
        Measure.objects.filter(programme=programme)
        .exclude(pk=added.pk)
        .values_list("order", flat=True)
    )
    text = page_text(client.get(response["Location"]))
    assert "Repeat referrals added" in text and "repeat-referrals" in text
    assert "repeat-referrals" in page_text(
        client.get(reverse("programme_import", args=[programme.slug]))
    )


def test_changing_a_direction_reads_every_teams_charts_again(as_user, programme):
    measure = Measure.objects.get(programme=programme, key="admissions")
    # Corran's admissions fall: an improvement while lower is better.
    corran = Reading.objects.get(measure=measure, team__slug="corran-home-treatment-team")
    assert corran.variation == "improvement_low"
    form = {**GOOD, "name": measure.name, "key": measure.key, "unit": measure.unit}
    form |= {"direction": "increase", "kind": "rate"}
    response = as_user("lead").post(
        reverse("measure_edit", args=[programme.slug, measure.pk]), form
    )
    assert response.status_code == 302
    corran = Reading.objects.get(measure=measure, team__slug="corran-home-treatment-team")
    assert corran.variation == "concern_low"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key": "csq8"}, "Another of the programme's measures has this key"),
        ({"key": "Not A Key"}, "The key may hold lower-case letters, digits and hyphens only."),
        ({"name": ""}, "Give the measure a name."),
        ({"direction": "neutral", "target": "5"}, "neither direction is better has no target"),
        ({"target": "lots"}, "The target must be a number, such as 90."),
        (
            {"kind": "questionnaire", "response_items": "8", "item_low": "4", "item_high": "4"},
            "Each item's highest answer must be above its lowest.",
        ),
        ({"description": "Patient 943 476 5919 said"}, "NHS number"),
    ],
)
def test_a_bad_definition_is_refused_keeping_what_was_typed(as_user, programme, change, message):
    before = list(Measure.objects.values_list("pk", "key", "name", "direction", "target"))
    response = as_user("lead").post(
        reverse("measure_new", args=[programme.slug]), {**GOOD, **change}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert message in text
    posted = {**GOOD, **change}
    assert posted["description"] in text  # what was typed is shown again
    assert f'value="{posted["unit"]}"' in response.content.decode()
    assert list(Measure.objects.values_list("pk", "key", "name", "direction", "target")) == (before)


def test_a_measure_with_values_stays_and_one_without_goes(as_user, programme):
    client = as_user("lead")
    kept = Measure.objects.get(programme=programme, key="csq8")
    response = client.post(reverse("measure_remove", args=[programme.slug, kept.pk]))
    assert response.status_code == 302
    assert Measure.objects.filter(pk=kept.pk).exists()
    assert "holds the teams' monthly values, so it stays" in page_text(
        client.get(response["Location"])
    )
    client.post(reverse("measure_new", args=[programme.slug]), GOOD)
    new = Measure.objects.get(programme=programme, key="repeat-referrals")
    client.post(reverse("measure_remove", args=[programme.slug, new.pk]))
    assert not Measure.objects.filter(pk=new.pk).exists()


def test_a_programme_without_measures_starts_with_the_starter_set(as_user, programme):
    MeasureValue.objects.filter(measure__programme=programme).delete()
    Measure.objects.filter(programme=programme).delete()
    client = as_user("lead")
    text = page_text(client.get(reverse("programme_outcomes", args=[programme.slug])))
    assert "Set up the programme's measures" in text
    assert "Add the 7 starter measures" in page_text(client.get(measures_url(programme)))
    client.post(reverse("starter_measures", args=[programme.slug]))
    assert Measure.objects.filter(programme=programme).count() == 7
    csq8 = Measure.objects.get(programme=programme, key="csq8")
    assert (csq8.response_items, csq8.item_low, csq8.item_high) == (8, 1, 4)
    assert Measure.objects.get(programme=programme, key="admissions").direction == (
        Direction.DECREASE
    )
    client.post(reverse("starter_measures", args=[programme.slug]))
    assert Measure.objects.filter(programme=programme).count() == 7
