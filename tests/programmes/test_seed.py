"""`fidelis seed` builds synthetic programmes of any size, the same way for the same seed."""

import io

import pytest
from django.core.management import CommandError, call_command

from fidelis.programmes.models import Programme, Team
from fidelis.reviews.models import ConsensusItem, Review, Status


def seed(*args):
    call_command("seed", *args, stdout=io.StringIO())


def snapshot(slug):
    teams = list(
        Team.objects.filter(organisation__programme__slug=slug)
        .order_by("pseudonym")
        .values_list("pseudonym", "name", "organisation__name")
    )
    scores = sorted(
        ConsensusItem.objects.filter(review__team__organisation__programme__slug=slug).values_list(
            "review__team__name", "review__timepoint__key", "item__number", "score"
        )
    )
    return teams, scores


def test_it_builds_teams_and_finalised_reviews(db):
    seed("--teams", "5", "--seed", "7", "--slug", "seed-test")
    programme = Programme.objects.get(slug="seed-test")
    teams = Team.objects.in_programme(programme)
    assert teams.count() == 5
    assert len(set(teams.values_list("pseudonym", flat=True))) == 5
    reviews = Review.objects.filter(team__in=teams)
    assert reviews.count() == 15
    assert reviews.filter(status=Status.FINALISED).count() == 15
    assert programme.memberships.filter(role="lead").count() == 1
    assert not programme.memberships.filter(user__password__regex=r"^[^!]").exists()


def test_the_same_seed_builds_the_same_programme(db):
    seed("--teams", "5", "--seed", "7", "--slug", "seed-test")
    first = snapshot("seed-test")
    seed("--teams", "5", "--seed", "7", "--slug", "seed-test", "--replace")
    assert snapshot("seed-test") == first
    assert Programme.objects.filter(slug="seed-test").count() == 1
    seed("--teams", "5", "--seed", "8", "--slug", "seed-other")
    assert snapshot("seed-other") != first


def test_pseudonyms_go_past_z(db):
    seed("--teams", "30", "--seed", "1", "--reviews", "0", "--slug", "seed-big")
    pseudonyms = set(
        Team.objects.filter(organisation__programme__slug="seed-big").values_list(
            "pseudonym", flat=True
        )
    )
    assert len(pseudonyms) == 30
    assert {"Team A", "Team Z", "Team AA", "Team AD"} <= pseudonyms


def test_a_clashing_slug_is_refused_with_a_clear_message(db, programme):
    with pytest.raises(CommandError, match=r"already exists.*--replace"):
        seed("--teams", "2", "--slug", programme.slug)
    assert Team.objects.in_programme(programme).count() == 13
