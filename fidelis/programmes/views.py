from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fidelis.forms import error_list, status_for
from fidelis.pages import breadcrumbs, contributions, paginate
from fidelis.programmes import access, actions
from fidelis.programmes.forms import (
    AcceptInvitationForm,
    InvitationForm,
    OrganisationForm,
    ProgrammeForm,
    TeamForm,
    TimepointForm,
)
from fidelis.programmes.models import Role


def _form_page(request, form, *, title, submit, cancel, trail, caption=""):
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": title,
            "caption": caption,
            "submit": submit,
            "cancel": cancel,
            "breadcrumbs": trail,
        },
        status=status_for(form),
    )


def _programme_trail(programme, *extra):
    return breadcrumbs(
        ("Home", reverse("home")), (programme.name, programme.get_absolute_url()), *extra
    )


@login_required
def programme_list(request):
    return render(
        request,
        "programmes/list.jinja",
        {
            "programmes": access.programmes_visible_to(request.user).order_by("name"),
            "can_create": access.can_create_programme(request.user),
        },
    )


@login_required
def programme_create(request):
    access.require_programme_creator(request.user)
    form = ProgrammeForm(request.POST or None, user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = actions.create_programme(
                name=data["name"],
                slug=data["slug"],
                start_date=data["start_date"],
                length_months=data["length_months"],
                scale=data["scale"],
                named_benchmarking=data["named_benchmarking"],
                description=data["description"],
                benchmark_min_teams=data["benchmark_min_teams"],
                lead=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{programme.name} created, with baseline, 6-month and "
                "12-month review timepoints. You are its lead.",
            )
            return redirect(programme)
    return _form_page(
        request,
        form,
        title="Start a programme",
        submit="Create programme",
        cancel=reverse("programme_list"),
        trail=breadcrumbs(("Home", reverse("home")), ("Programmes", reverse("programme_list"))),
    )


@login_required
def programme_detail(request, slug):
    programme = access.programme_for_view(request.user, slug)
    user = request.user
    teams = paginate(
        request,
        access.teams_listed_for(user, programme).select_related("organisation__programme"),
    )
    visible_orgs = set(
        access.organisations_visible_to(user)
        .filter(programme=programme)
        .values_list("pk", flat=True)
    )
    rows = []
    for team in teams.items:
        # A pseudonymous team's organisation stays hidden: "Team B, your own trust" would
        # tell staff which pseudonyms are their neighbours.
        organisation = team.organisation
        show_organisation = organisation.pk in visible_orgs and (
            team.open or programme.named_benchmarking
        )
        rows.append(
            {
                "label": team.label,
                "href": team.get_absolute_url() if team.open else None,
                "pseudonymous": team.label != team.name,
                "organisation": organisation.name if show_organisation else None,
                "organisation_href": organisation.get_absolute_url() if show_organisation else None,
                "staff_count": team.staff_count if team.open else None,
            }
        )
    return render(
        request,
        "programmes/detail.jinja",
        {
            "programme": programme,
            "rows": rows,
            "pages": teams,
            "n_teams": teams.page.paginator.count,
            "any_pseudonymous": not access.shows_names(user, programme)
            and access.teams_listed_for(user, programme).filter(open=False).exists(),
            "timepoints": programme.timepoints.all(),
            "can_manage": access.can_manage_programme(user, programme),
            "roles": [Role(r).label for r in sorted(access.roles_in(user, programme))],
            "is_evaluator": access.sees_pseudonyms_only(user, programme),
            "breadcrumbs": breadcrumbs(("Home", reverse("home")), (programme.name, "")),
        },
    )


@login_required
def programme_edit(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = ProgrammeForm(request.POST or None, initial=model_to_dict(programme), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_programme(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Programme details saved.")
            return redirect(programme)
    return _form_page(
        request,
        form,
        title="Change programme details",
        caption=programme.name,
        submit="Save details",
        cancel=programme.get_absolute_url(),
        trail=_programme_trail(programme),
    )


@login_required
def timepoints(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = TimepointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            timepoint = actions.add_timepoint(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Timepoint '{timepoint.label}' added.")
            return redirect("timepoints", slug=programme.slug)
    return render(
        request,
        "programmes/timepoints.jinja",
        {
            "programme": programme,
            "form": form,
            "errors": error_list(form),
            "timepoints": programme.timepoints.annotate(n_reviews=Count("reviews")),
            "breadcrumbs": _programme_trail(programme, ("Review timepoints", "")),
        },
        status=status_for(form),
    )


@login_required
@require_POST
def timepoint_delete(request, slug, timepoint_id):
    timepoint = access.timepoint_for_management(request.user, slug, timepoint_id)
    try:
        actions.remove_timepoint(timepoint=timepoint)
    except actions.TimepointInUse as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Timepoint '{timepoint.label}' removed.")
    return redirect("timepoints", slug=slug)


@login_required
def organisation_detail(request, slug, org_slug):
    organisation = access.organisation_for_view(request.user, slug, org_slug)
    programme = organisation.programme
    shown, hidden = access.organisation_teams_for(request.user, organisation)
    teams = [
        {
            "label": access.team_label(request.user, team),
            "href": team.get_absolute_url() if access.can_view_team(request.user, team) else None,
        }
        for team in shown
    ]
    sponsors = (
        access.memberships_visible_to(request.user)
        .filter(organisation=organisation, role=Role.SPONSOR)
        .select_related("user")
    )
    return render(
        request,
        "programmes/organisation.jinja",
        {
            "organisation": organisation,
            "programme": programme,
            "teams": teams,
            "hidden_teams": hidden,
            "sponsors": sponsors,
            "can_manage": access.can_manage_programme(request.user, programme),
            "breadcrumbs": _programme_trail(programme, (organisation.name, "")),
        },
    )


@login_required
def organisation_create(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.create_organisation(programme=programme, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{organisation.name} added.")
            return redirect(organisation)
    return _form_page(
        request,
        form,
        title="Add an organisation",
        caption=programme.name,
        submit="Add organisation",
        cancel=programme.get_absolute_url(),
        trail=_programme_trail(programme),
    )


@login_required
def organisation_edit(request, slug, org_slug):
    organisation = access.organisation_for_edit(request.user, slug, org_slug)
    form = OrganisationForm(request.POST or None, initial=model_to_dict(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = actions.update_organisation(
                organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Organisation details saved.")
            return redirect(organisation)
    return _form_page(
        request,
        form,
        title="Change organisation details",
        caption=organisation.name,
        submit="Save details",
        cancel=organisation.get_absolute_url(),
        trail=_programme_trail(
            organisation.programme, (organisation.name, organisation.get_absolute_url())
        ),
    )


@login_required
def team_detail(request, slug, team_slug):
    team = access.team_for_view(request.user, slug, team_slug)
    programme = team.organisation.programme
    visible = access.memberships_visible_to(request.user).select_related("user")
    panels = [panel(request.user, team) for panel in contributions("FIDELIS_TEAM_PANELS")]
    return render(
        request,
        "programmes/team.jinja",
        {
            "team": team,
            "programme": programme,
            "people": visible.filter(team=team).order_by("role", "user__first_name"),
            "sponsors": visible.filter(organisation=team.organisation, role=Role.SPONSOR),
            "can_edit": access.can_edit_team(request.user, team),
            "can_see_organisation": access.can_view_organisation(request.user, team.organisation),
            "panels": [panel for panel in panels if panel is not None],
            "breadcrumbs": _programme_trail(programme, (team.name, "")),
        },
    )


@login_required
def team_create(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = TeamForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            team = actions.create_team(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{team.name} added. Other teams will see it as {team.pseudonym}."
            )
            return redirect(team)
    return _form_page(
        request,
        form,
        title="Add a team",
        caption=programme.name,
        submit="Add team",
        cancel=programme.get_absolute_url(),
        trail=_programme_trail(programme),
    )


@login_required
def team_edit(request, slug, team_slug):
    team = access.team_for_edit(request.user, slug, team_slug)
    programme = team.organisation.programme
    form = TeamForm(
        request.POST or None,
        initial=model_to_dict(team),
        programme=programme,
        can_move=access.can_move_team(request.user, team),
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = actions.update_team(team=team, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Team details saved.")
            return redirect(team)
    return _form_page(
        request,
        form,
        title="Change team details",
        caption=team.name,
        submit="Save details",
        cancel=team.get_absolute_url(),
        trail=_programme_trail(programme, (team.name, team.get_absolute_url())),
    )


@login_required
def people(request, slug):
    programme = access.programme_for_management(request.user, slug)
    query = request.GET.get("q", "").strip()[:100]
    people = programme.people(search=query)
    page = paginate(request, people)
    roles = programme.roles_by_person(page.items)
    invitations = paginate(
        request,
        programme.invitations.select_related("team", "organisation", "programme").order_by(
            "accepted_at", "-created_at"
        ),
        per_page=20,
        param="invitations",
    )
    return render(
        request,
        "programmes/people.jinja",
        {
            "programme": programme,
            "people": [{"user": user, "roles": roles.get(user.pk, [])} for user in page.items],
            "people_pages": page,
            "query": query,
            "invitations": invitations.items,
            "invitation_pages": invitations,
            "breadcrumbs": _programme_trail(programme, ("People", "")),
        },
    )


@login_required
def person_detail(request, person_id):
    person = access.person_for_view(request.user, person_id)
    memberships = (
        access.memberships_visible_to(request.user)
        .filter(user=person)
        .select_related("programme", "team__organisation__programme", "organisation__programme")
    )
    roles = []
    for membership in memberships:
        if membership.team_id:
            where = membership.team
        elif membership.organisation_id:
            where = membership.organisation
        else:
            where = membership.programme
        roles.append(
            {
                "role": membership.get_role_display(),
                "where": where.name,
                "href": where.get_absolute_url(),
            }
        )
    return render(
        request,
        "programmes/person.jinja",
        {
            "person": person,
            "roles": roles,
            "breadcrumbs": breadcrumbs(("Home", reverse("home")), (person.display_name, "")),
        },
    )


@login_required
def invite(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = InvitationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = actions.invite(
                programme=programme,
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("people", slug=programme.slug)
    return render(
        request,
        "programmes/invite.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "programme": programme,
            "breadcrumbs": _programme_trail(
                programme, ("People", reverse("people", args=[programme.slug]))
            ),
        },
        status=status_for(form),
    )


@login_required
@require_POST
def revoke_invitation(request, slug, invitation_id):
    invitation = access.invitation_for_management(request.user, slug, invitation_id)
    actions.revoke_invitation(invitation=invitation)
    messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("people", slug=slug)


def _invitation_used(request, invitation):
    return render(
        request, "programmes/invitation_used.jinja", {"invitation": invitation}, status=410
    )


def accept_invitation(request, token):
    invitation = access.invitation_for_acceptance(token)
    if not invitation.is_pending:
        return _invitation_used(request, invitation)
    if request.user.is_authenticated:
        if (request.user.email or "").lower() != invitation.email.lower():
            return render(
                request,
                "programmes/invitation_other_account.jinja",
                {"invitation": invitation},
                status=403,
            )
        if request.method == "POST":
            try:
                actions.accept_invitation(invitation=invitation, user=request.user)
            except ValueError:
                return _invitation_used(request, invitation)
            messages.success(
                request,
                f"You are now {invitation.get_role_display().lower()} "
                f"in {invitation.programme.name}.",
            )
            return redirect("home")
        return render(request, "programmes/accept_signed_in.jinja", {"invitation": invitation})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.accept_invitation(
                invitation=invitation,
                first_name=data["first_name"],
                last_name=data["last_name"],
                username=data["username"],
                password=data["password1"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except ValueError:
            # A second click on "Create account": the first one already used the link.
            return _invitation_used(request, invitation)
        else:
            login(request, user, backend="fidelis.accounts.backends.AuthenticationBackend")
            messages.success(
                request,
                f"Welcome to Fidelis. You are now "
                f"{invitation.get_role_display().lower()} in "
                f"{invitation.programme.name}.",
            )
            return redirect("home")
    return render(
        request,
        "programmes/accept.jinja",
        {"invitation": invitation, "form": form, "errors": error_list(form)},
        status=status_for(form),
    )
