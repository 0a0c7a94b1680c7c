"""A resource's file: within the size and type limits (anything else refused with a
message and nothing stored), kept through Django's storage, downloaded only by someone who
may see the resource, always as an attachment with nosniff, and counted as the team's."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fidelis.resources.models import Resource, ResourceUse, Use
from tests.conftest import page_text


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()]


def add(client, programme, name, content, content_type="application/pdf", **more):
    item = programme.scale.items.get(number=9)
    return client.post(
        reverse("resource_new", args=[programme.slug]),
        {
            "title": "Medicines audit form",
            "use_when": "When you check medicines supply each month",
            "kind": "template",
            "audience": "staff",
            "items": [item.pk],
            "file": SimpleUploadedFile(name, content, content_type),
            **more,
        },
    )


def test_the_lead_attaches_a_file_and_a_team_downloads_it(as_user, programme, media):
    response = add(as_user("lead"), programme, "audit.pdf", b"%PDF-1.4 audit")
    assert response.status_code == 302
    found = Resource.objects.get(title="Medicines audit form")
    assert (found.file_name, found.file_size) == ("audit.pdf", 14)
    assert len(stored(media)) == 1 and "audit" not in stored(media)[0].name
    download = as_user("member").get(reverse("resource_file", args=[found.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="audit.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 audit"
    counted = ResourceUse.objects.get(resource=found, use=Use.DOWNLOAD)
    assert counted.team.name == "Ashby Crisis Resolution Team" and counted.count == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<script>alert(1)</script>", "page.html is not a type Fidelis keeps"),
        ("logo.svg", b"<svg onload='x'/>", "logo.svg is not a type Fidelis keeps"),
        ("huge.pdf", b"%PDF-" + b"x" * 3_000, "huge.pdf is 3 KB: files are kept up to 2 KB."),
        ("fake.pdf", b"just text", "fake.pdf does not look like a PDF file"),
    ],
)
def test_a_file_of_the_wrong_type_or_size_is_refused_and_nothing_stored(
    name, content, message, as_user, programme, media, settings
):
    settings.FIDELIS_UPLOAD_MAX_BYTES = 2_000
    before = Resource.objects.count()
    response = add(as_user("lead"), programme, name, content)
    assert response.status_code == 400
    assert message in page_text(response)
    assert "Medicines audit form" in response.content.decode()  # what was typed stays
    assert Resource.objects.count() == before
    assert stored(media) == []


@pytest.mark.parametrize(("name", "kind"), [("page.html", "text/html"), ("logo.svg", "image/svg")])
def test_an_html_or_svg_file_goes_out_as_an_attachment(
    name, kind, as_user, programme, media, settings
):
    settings.FIDELIS_UPLOAD_EXTENSIONS = [".html", ".svg"]
    add(as_user("lead"), programme, name, b"<svg><script>alert(1)</script></svg>", kind)
    found = Resource.objects.get(title="Medicines audit form")
    download = as_user("member").get(reverse("resource_file", args=[found.pk]))
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


def test_a_waiting_resource_s_file_is_not_downloaded_by_other_teams(as_user, db):
    waiting = Resource.objects.get(status="pending")
    url = reverse("resource_file", args=[waiting.pk])
    assert as_user("member").get(url).status_code == 404
    assert as_user("other").get(url).status_code == 404
