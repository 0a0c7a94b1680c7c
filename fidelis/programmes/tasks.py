"""Background work: immediate in development and tests, a database worker in production."""

from django.conf import settings
from django.core.mail import send_mail
from django.template import engines
from django_tasks import task

from fidelis.programmes.models import Invitation


@task()
def send_invitation_email(
    *, invitation_id: int, message: str = "", base_url: str | None = None
) -> None:
    """Email an invitation. Its link starts with FIDELIS_BASE_URL when that is set, or else
    with the address the lead was using when they sent it (`base_url`), so a demo served
    on another port sends links to that port."""
    invitation = Invitation.objects.select_related(
        "programme", "team", "organisation", "invited_by"
    ).get(pk=invitation_id)
    base = (settings.FIDELIS_BASE_URL or base_url or "http://127.0.0.1:8000").rstrip("/")
    # Plain-text email: Django's engine with autoescaping off, so "&" stays "&".
    body = (
        engines["django"]
        .get_template("emails/invitation.txt")
        .render(
            {
                "invitation": invitation,
                "link": base + invitation.get_absolute_url(),
                "message": message,
            }
        )
    )
    send_mail(
        f"You are invited to {invitation.programme.name} on Fidelis",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
