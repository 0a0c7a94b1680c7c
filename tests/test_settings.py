"""Settings come from the environment; production mode passes Django's deployment checks."""

import os
import subprocess
import sys

import pytest


def run(args, **env):
    return subprocess.run(
        [sys.executable, "-m", "fidelis", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_the_deployment_checks():
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        FIDELIS_MODE="production",
        SECRET_KEY="a-long-random-secret-for-the-test-only-3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
        ALLOWED_HOSTS="fidelis.example.nhs.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run(["check"], FIDELIS_MODE="production", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_bad_setting_gets_a_clear_message():
    result = run(["check"], DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_the_admin_lists_fidelis_records_for_superusers(db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    admin = get_user_model().objects.create_superuser("root-admin", "a@b.org", "x-long-pass-1")
    client = Client()
    client.force_login(admin)
    for path in [
        "/admin/",
        "/admin/programmes/programme/",
        "/admin/programmes/team/",
        "/admin/programmes/membership/",
        "/admin/scales/fidelityscale/",
        "/admin/reviews/review/",
    ]:
        assert client.get(path).status_code == 200, path


def test_gunicorn_settings_warm_the_pdf_renderer_in_each_worker():
    import logging

    from fidelis import gunicorn

    class Worker:
        log = logging.getLogger("test")

    gunicorn.post_worker_init(Worker())
    assert gunicorn.bind == "127.0.0.1:8001"
    assert gunicorn.workers >= 1


def test_templates_fail_loudly_on_a_missing_variable_in_the_tests():
    from django.template import engines
    from jinja2 import UndefinedError

    env = engines["jinja2"].env
    with pytest.raises(UndefinedError):
        env.from_string("{{ forgotten.name }}").render()
    with pytest.raises(UndefinedError):
        env.from_string("<p>{{ forgotten }}</p>").render()
    # Optional values may still be tested, as the NHS.UK macros do.
    assert (
        env.from_string("{% if forgotten %}x{% endif %}{{ forgotten | default('y') }}").render()
        == "y"
    )


def test_signed_in_pages_and_reports_are_never_stored(as_user):
    from fidelis.reviews.models import Review

    client = as_user("manager")
    assert client.get("/")["Cache-Control"] == "no-store, private"
    review = Review.objects.finalised().filter(team__slug="ashby-crisis-resolution-team").first()
    assert client.get(f"/reviews/{review.pk}/report.pdf")["Cache-Control"] == "no-store, private"


def test_public_pages_may_be_cached_as_usual(client, db):
    assert "no-store" not in client.get("/about/").get("Cache-Control", "")


def test_a_new_data_directory_is_made_for_its_database(tmp_path):
    data_dir = tmp_path / "not" / "there" / "yet"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "fidelis", "migrate", "-v0"],
        env={**env, "FIDELIS_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (data_dir / "fidelis.sqlite3").is_file()
