"""Writes that touch several models or have side effects (emails)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from fidelis.programmes import access
from fidelis.programmes.models import (
    Invitation,
    Membership,
    Organisation,
    Programme,
    Role,
    Team,
    next_pseudonym,
)
from fidelis.programmes.tasks import send_invitation_email


@transaction.atomic
def create_programme(
    *,
    name: str,
    slug: str,
    start_date,
    length_months: int = 12,
    lead=None,
    scale=None,
    named_benchmarking: bool = False,
    description: str = "",
) -> Programme:
    programme = Programme.objects.create(
        name=name,
        slug=slug,
        start_date=start_date,
        length_months=length_months,
        scale=scale,
        named_benchmarking=named_benchmarking,
        description=description,
    )
    programme.create_default_timepoints()
    if lead is not None:
        grant_role(user=lead, programme=programme, role=Role.LEAD)
    return programme


@transaction.atomic
def add_timepoint(*, programme: Programme, label: str, month: int):
    from fidelis.programmes.models import ReviewTimepoint

    return ReviewTimepoint.objects.create(
        programme=programme, key=slugify(label)[:30], label=label, month=month, order=month
    )


@transaction.atomic
def create_organisation(*, programme: Programme, name: str, ods_code: str = "") -> Organisation:
    return Organisation.objects.create(
        programme=programme, name=name, slug=slugify(name), ods_code=ods_code
    )


@transaction.atomic
def create_team(
    *,
    organisation: Organisation,
    name: str,
    area_served: str = "",
    staff_count: int | None = None,
    rng=None,
) -> Team:
    # Lock the programme row so two teams created at once cannot take the same pseudonym.
    Programme.objects.select_for_update().get(pk=organisation.programme_id)
    return Team.objects.create(
        organisation=organisation,
        name=name,
        slug=slugify(name),
        pseudonym=next_pseudonym(organisation.programme, rng=rng),
        area_served=area_served,
        staff_count=staff_count,
    )


def grant_role(
    *,
    user,
    programme: Programme,
    role: str,
    team: Team | None = None,
    organisation: Organisation | None = None,
) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user, programme=programme, role=role, team=team, organisation=organisation
    )
    access.forget(user)
    return membership


@transaction.atomic
def invite(
    *,
    programme: Programme,
    email: str,
    role: str,
    invited_by,
    team: Team | None = None,
    organisation: Organisation | None = None,
    message: str = "",
) -> Invitation:
    invitation = Invitation.objects.create(
        programme=programme,
        email=email,
        role=role,
        team=team,
        organisation=organisation,
        invited_by=invited_by,
    )
    transaction.on_commit(
        lambda: send_invitation_email.enqueue(invitation_id=invitation.pk, message=message)
    )
    return invitation


@transaction.atomic
def accept_invitation(
    *,
    invitation: Invitation,
    user=None,
    first_name: str = "",
    last_name: str = "",
    username: str = "",
    password: str = "",
):
    """Give the invited role to `user`, or to a new account made from the details given."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValueError("This invitation has already been used or has expired.")
    if user is None:
        user = get_user_model().objects.create_user(
            username=username,
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    grant_role(
        user=user,
        programme=invitation.programme,
        role=invitation.role,
        team=invitation.team,
        organisation=invitation.organisation,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def revoke_invitation(*, invitation: Invitation) -> None:
    invitation.expires_at = timezone.now()
    invitation.save(update_fields=["expires_at"])
