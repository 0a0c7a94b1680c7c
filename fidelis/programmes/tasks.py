"""Background work: immediate in development and tests, a database worker in production."""

from django.conf import settings
from django.core.mail import send_mail
from django.template import engines
from django_tasks import task


@task()
def send_invitation_email(*, invitation_id: int, message: str = "") -> None:
    from fidelis.programmes.models import Invitation

    invitation = Invitation.objects.select_related(
        "programme", "team", "organisation", "invited_by"
    ).get(pk=invitation_id)
    base = getattr(settings, "FIDELIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
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
