"""Files shared after a learning event: only the lead uploads, within the size and type
limits (anything else refused with a message and nothing stored); everyone invited
downloads, always as an attachment with nosniff, never displayed in the app's origin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fidelis.support.models import Event, EventFile
from tests.conftest import page_text


@pytest.fixture
def past(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Event.objects.get(title="Learning exchange: home treatment that lasts")


def share(client, event, name, content, content_type="application/pdf"):
    return client.post(
        event.get_absolute_url(), {"file": SimpleUploadedFile(name, content, content_type)}
    )


def stored(tmp_path) -> list:
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def test_the_lead_shares_a_file_and_invitees_download_it(as_user, past, tmp_path):
    response = share(as_user("lead"), past, "slides.pdf", b"%PDF-1.4 slides")
    assert response.status_code == 302
    found = EventFile.objects.get(event=past)
    assert (found.name, found.size) == ("slides.pdf", 15)
    assert len(stored(tmp_path)) == 1 and "slides" not in stored(tmp_path)[0].name
    assert "slides.pdf" in page_text(as_user("member").get(past.get_absolute_url()))
    download = as_user("member").get(found.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="slides.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"%PDF-1.4 slides"
    for persona in ("reviewer", "evaluator"):  # not invited
        assert as_user(persona).get(found.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<script>alert(1)</script>", "page.html is not a type Fidelis keeps"),
        ("logo.svg", b"<svg onload='x'/>", "logo.svg is not a type Fidelis keeps"),
        ("empty.pdf", b"", "empty.pdf is empty."),
        ("huge.pdf", b"x" * 3_000, "huge.pdf is 3 KB: files are kept up to 2 KB."),
        ("fake.pdf", b"just text", "fake.pdf does not look like a PDF file"),
        ("photo.png", b"%PDF-1.4", "photo.png does not look like a PNG file"),
        ("notes.txt", b"\x00\x01binary", "notes.txt does not look like a TXT file"),
    ],
)
def test_a_file_of_the_wrong_type_or_size_is_refused_and_nothing_stored(
    name, content, message, as_user, past, settings, tmp_path
):
    settings.FIDELIS_UPLOAD_MAX_BYTES = 2_000
    response = share(as_user("lead"), past, name, content)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not EventFile.objects.filter(event=past).exists()
    assert stored(tmp_path) == []


def test_only_the_lead_shares_and_removes_files(as_user, past, tmp_path):
    share(as_user("lead"), past, "notes.txt", b"notes")
    found = EventFile.objects.get(event=past)
    assert share(as_user("manager"), past, "more.txt", b"more").status_code == 405
    remove = reverse("support_event_file_remove", args=[past.pk, found.pk])
    assert as_user("manager").post(remove).status_code == 403
    assert as_user("lead").post(remove).status_code == 302
    assert not EventFile.objects.filter(pk=found.pk).exists()
    assert stored(tmp_path) == []


def test_a_stored_html_file_still_goes_out_as_an_attachment(as_user, past, settings):
    settings.FIDELIS_UPLOAD_EXTENSIONS = [".html"]
    share(as_user("lead"), past, "page.html", b"<script>alert(1)</script>", "text/html")
    found = EventFile.objects.get(event=past)
    download = as_user("member").get(found.get_absolute_url())
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
