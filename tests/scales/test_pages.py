"""The scale overview and item pages explain each scoring rule in plain words."""

import datetime

from tests.conftest import page_text

SCALE = "/scales/crisis-demo/1.0/"


def test_the_scale_page_lists_every_section_and_item(as_user):
    from fidelis.scales.models import FidelityScale

    scale = FidelityScale.objects.get(slug="crisis-demo")
    text = page_text(as_user("member").get(SCALE))
    for section in scale.definition.sections:
        assert section.title in text
        for item in section.items:
            assert item.title in text
    assert "It is not the CORE CRT Fidelity Scale and it has not been validated." in text


def test_a_count_rule_with_a_skipped_count_is_stated_in_words(as_user):
    text = page_text(as_user("manager").get(SCALE + "items/6/"))
    assert "All 7 criteria met: score 5" in text
    assert "4 or 5 met: score 3" in text


def test_partial_all_source_stricter_and_routine_data_criteria_are_explained(as_user):
    text = page_text(as_user("manager").get(SCALE + "items/2/"))
    assert "stricter version of criterion" in text
    assert "Routine data can suggest this" in text
    text = page_text(as_user("manager").get(SCALE + "items/1/"))
    assert "Partly met:" in text
    assert "All of these must agree" in text


def test_an_anchor_item_shows_each_levels_description(as_user):
    from fidelis.scales.models import FidelityScale

    scale = FidelityScale.objects.get(slug="crisis-demo").definition
    anchored = next(item for item in scale.items if item.rule.kind == "anchors")
    text = page_text(as_user("member").get(f"{SCALE}items/{anchored.number}/"))
    for description in anchored.rule.anchors.values():
        assert " ".join(description.split()) in text


def test_the_scale_downloads_as_a_file_that_validates(as_user):
    from fidelis.lib.scalefile import parse_scale

    response = as_user("lead").get(SCALE + "download/")
    assert response["Content-Disposition"].endswith('crisis-demo-1.0.yaml"')
    assert parse_scale(response.content.decode()).slug == "crisis-demo"


def test_an_unknown_item_is_not_found(as_user):
    assert as_user("lead").get(SCALE + "items/99/").status_code == 404


def test_a_licensed_scale_is_seen_only_in_programmes_that_use_it(as_user, db):
    import yaml

    from fidelis.lib.scalefile import parse_scale
    from fidelis.scales.actions import BUNDLED_DIR, import_scale

    data = yaml.safe_load((BUNDLED_DIR / "crisis-demo.yaml").read_text())
    data.update(slug="licensed-copy", demonstration=False, name="A licensed scale")
    import_scale(scale=parse_scale(yaml.safe_dump(data)))
    assert as_user("member").get("/scales/licensed-copy/1.0/").status_code == 404
    assert "A licensed scale" not in as_user("member").get("/scales/").content.decode()
    # Not even another programme's lead: the licence is the programme's own.
    assert as_user("lead").get("/scales/licensed-copy/1.0/").status_code == 404
    from fidelis.programmes.actions import create_programme
    from fidelis.scales.models import FidelityScale

    licensed = FidelityScale.objects.get(slug="licensed-copy")
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(username="lead")
    create_programme(
        name="Licensed",
        slug="licensed",
        start_date=datetime.date(2027, 1, 4),
        scale=licensed,
        lead=lead,
    )
    assert as_user("lead").get("/scales/licensed-copy/1.0/").status_code == 200
