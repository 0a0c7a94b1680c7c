"""Every write to programmes, organisations, teams, timepoints, roles and invitations.

Each action checks its own input (the programme's rules and the free-text rules of
fidelis.validators) and raises ValidationError naming the field at fault before it writes
anything, so a form, a command or an API reaches the same rules. Forms only convert what
was typed and show these messages.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from fidelis.programmes import access
from fidelis.programmes.models import (
    ORGANISATION_ROLES,
    TEAM_ROLES,
    Invitation,
    Membership,
    Organisation,
    Programme,
    ReviewTimepoint,
    Role,
    Team,
    next_pseudonym,
)
from fidelis.programmes.tasks import send_invitation_email
from fidelis.validators import check_text

#: The longest text each field takes (the model's column, or what fits its purpose).
TEXT_LIMITS = {
    "name": 200,
    "description": 2_000,
    "label": 60,
    "ods_code": 10,
    "area_served": 300,
    "message": 2_000,
    "first_name": 150,
    "last_name": 150,
    "username": 150,
}
MAX_LENGTH_MONTHS = 60
MAX_STAFF = 500


def _refuse(field: str, message: str):
    raise ValidationError({field: [message]})


MIN_COMPARISON = 3


def _check_programme(
    *,
    length_months: int,
    description: str,
    name: str,
    benchmark_min_teams: int = 5,
    report_priorities: int = 5,
) -> None:
    check_text(name=name, description=description, limits=TEXT_LIMITS)
    if not 1 <= length_months <= MAX_LENGTH_MONTHS:
        _refuse("length_months", f"Enter a length from 1 to {MAX_LENGTH_MONTHS} months.")
    if not MIN_COMPARISON <= benchmark_min_teams <= 1000:
        _refuse(
            "benchmark_min_teams",
            f"Enter {MIN_COMPARISON} or more: a comparison of fewer teams could reveal one "
            "team's results.",
        )
    if not 1 <= report_priorities <= 5:
        _refuse("report_priorities", "Enter from 1 to 5: a report names at most 5 priorities.")


def _scale_is_used(programme: Programme) -> bool:
    """Reviews sit above programmes: their use of the scale is read through the reverse
    relation they declare on Team ("reviews"), not by importing them."""
    return Team.objects.filter(organisation__programme=programme, reviews__isnull=False).exists()


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
    benchmark_min_teams: int = 5,
    report_priorities: int = 5,
) -> Programme:
    _check_programme(
        length_months=length_months,
        description=description,
        name=name,
        benchmark_min_teams=benchmark_min_teams,
        report_priorities=report_priorities,
    )
    if slugify(slug) != slug or not slug:
        _refuse("slug", "Use lowercase letters, numbers and hyphens only.")
    if Programme.objects.filter(slug=slug).exists():
        _refuse("slug", "Another programme already uses this short name.")
    programme = Programme.objects.create(
        name=name,
        slug=slug,
        start_date=start_date,
        length_months=length_months,
        scale=scale,
        named_benchmarking=named_benchmarking,
        description=description,
        benchmark_min_teams=benchmark_min_teams,
        report_priorities=report_priorities,
    )
    programme.create_default_timepoints()
    if lead is not None:
        grant_role(user=lead, programme=programme, role=Role.LEAD)
    return programme


@transaction.atomic
def update_programme(
    *,
    programme: Programme,
    name: str,
    start_date,
    length_months: int,
    scale,
    named_benchmarking: bool,
    description: str,
    benchmark_min_teams: int = 5,
    report_priorities: int = 5,
) -> Programme:
    """Change a programme's details. Its scale is fixed once a review has used it: results
    must stay comparable."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _check_programme(
        length_months=length_months,
        description=description,
        name=name,
        benchmark_min_teams=benchmark_min_teams,
        report_priorities=report_priorities,
    )
    if scale != programme.scale and _scale_is_used(programme):
        _refuse(
            "scale",
            "Reviews in this programme already use its scale, so it cannot change: "
            "results must stay comparable.",
        )
    programme.name = name
    programme.start_date = start_date
    programme.length_months = length_months
    programme.scale = scale
    programme.named_benchmarking = named_benchmarking
    programme.description = description
    programme.benchmark_min_teams = benchmark_min_teams
    programme.report_priorities = report_priorities
    programme.save(
        update_fields=[
            "benchmark_min_teams",
            "report_priorities",
            "name",
            "start_date",
            "length_months",
            "scale",
            "named_benchmarking",
            "description",
        ]
    )
    return programme


@transaction.atomic
def add_timepoint(*, programme: Programme, label: str, month: int) -> ReviewTimepoint:
    label = label.strip()
    check_text(label=label, limits=TEXT_LIMITS)
    key = slugify(label)[:30]
    if not key:
        _refuse("label", "Enter a name with at least one letter or number.")
    if (
        ReviewTimepoint.objects.filter(programme=programme)
        .filter(Q(key=key) | Q(label__iexact=label))
        .exists()
    ):
        _refuse("label", "The programme already has a timepoint with this name.")
    if month > programme.length_months + 24:
        _refuse("month", "Enter a month within two years of the programme's end.")
    return ReviewTimepoint.objects.create(
        programme=programme, key=key, label=label, month=month, order=month
    )


class TimepointInUse(ValueError):
    """A timepoint with reviews was about to be removed."""


@transaction.atomic
def remove_timepoint(*, timepoint: ReviewTimepoint) -> None:
    if timepoint.reviews.exists():
        raise TimepointInUse(f"'{timepoint.label}' has reviews, so it cannot be removed.")
    timepoint.delete()


def _organisation_name(programme: Programme, name: str, instance=None) -> str:
    name = name.strip()
    check_text(name=name, limits=TEXT_LIMITS)
    slug = slugify(name)
    if not slug:
        _refuse("name", "Enter a name with at least one letter or number.")
    clash = Organisation.objects.filter(programme=programme, slug=slug)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        _refuse("name", "An organisation with this name is already in the programme.")
    return name


@transaction.atomic
def create_organisation(*, programme: Programme, name: str, ods_code: str = "") -> Organisation:
    name = _organisation_name(programme, name)
    check_text(ods_code=ods_code, limits=TEXT_LIMITS)
    return Organisation.objects.create(
        programme=programme, name=name, slug=slugify(name), ods_code=ods_code
    )


@transaction.atomic
def update_organisation(*, organisation: Organisation, name: str, ods_code: str) -> Organisation:
    """Rename an organisation (its web address follows the name) or change its ODS code."""
    name = _organisation_name(organisation.programme, name, instance=organisation)
    check_text(ods_code=ods_code, limits=TEXT_LIMITS)
    organisation.name = name
    organisation.slug = slugify(name)
    organisation.ods_code = ods_code
    organisation.save(update_fields=["name", "slug", "ods_code"])
    return organisation


def _team_details(programme: Programme, *, name, area_served, staff_count, instance=None) -> str:
    check_text(area_served=area_served, limits=TEXT_LIMITS)
    if staff_count is not None and not 0 <= staff_count <= MAX_STAFF:
        _refuse("staff_count", f"Enter the number of staff in the team, {MAX_STAFF} or fewer.")
    if name is None:
        return name
    name = name.strip()
    check_text(name=name, limits=TEXT_LIMITS)
    slug = slugify(name)
    if not slug:
        _refuse("name", "Enter a name with at least one letter or number.")
    clash = Team.objects.in_programme(programme).filter(slug=slug)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        _refuse("name", "A team with this name is already in the programme.")
    return name


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
    name = _team_details(
        organisation.programme, name=name, area_served=area_served, staff_count=staff_count
    )
    return Team.objects.create(
        organisation=organisation,
        name=name,
        slug=slugify(name),
        pseudonym=next_pseudonym(organisation.programme, rng=rng),
        area_served=area_served,
        staff_count=staff_count,
    )


@transaction.atomic
def update_team(
    *,
    team: Team,
    area_served: str,
    staff_count: int | None,
    name: str | None = None,
    organisation: Organisation | None = None,
) -> Team:
    """Change a team's details. `name` and `organisation` are left as they are when None
    (the team's managers change the rest; renaming and moving are the lead's)."""
    programme = team.organisation.programme
    name = _team_details(
        programme, name=name, area_served=area_served, staff_count=staff_count, instance=team
    )
    if organisation is not None and organisation.programme_id != programme.pk:
        _refuse("organisation", "Choose an organisation in this programme.")
    fields = ["area_served", "staff_count"]
    team.area_served = area_served
    team.staff_count = staff_count
    if name is not None:
        team.name, team.slug = name, slugify(name)
        fields += ["name", "slug"]
    if organisation is not None:
        team.organisation = organisation
        fields.append("organisation")
    team.save(update_fields=fields)
    return team


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
    base_url: str | None = None,
) -> Invitation:
    """Invite someone to a role; the email (sent once the invitation is saved) carries a
    link under `base_url`, the address the person reached Fidelis on."""
    check_text(message=message, limits=TEXT_LIMITS)
    if role not in Role.values:
        _refuse("role", "Choose a role.")
    if role in TEAM_ROLES and (team is None or team.organisation.programme_id != programme.pk):
        _refuse("team", f"Choose the team this {Role(role).label.lower()} works with.")
    if role in ORGANISATION_ROLES and (
        organisation is None or organisation.programme_id != programme.pk
    ):
        _refuse("organisation", "Choose the organisation this sponsor belongs to.")
    invitation = Invitation.objects.create(
        programme=programme,
        email=email.strip().lower(),
        role=role,
        team=team if role in TEAM_ROLES else None,
        organisation=organisation if role in ORGANISATION_ROLES else None,
        invited_by=invited_by,
    )
    transaction.on_commit(
        lambda: send_invitation_email.enqueue(
            invitation_id=invitation.pk, message=message, base_url=base_url
        )
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
        check_text(
            first_name=first_name, last_name=last_name, username=username, limits=TEXT_LIMITS
        )
        User = get_user_model()
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                f"An account already uses {invitation.email}. Sign in to it, then open the "
                "invitation link again to add the role."
            )
        username = username.strip()
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError as error:
            raise ValidationError({"username": error.messages}) from None
        if User.objects.filter(username__iexact=username).exists():
            _refuse("username", "That username is taken. Choose another.")
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
