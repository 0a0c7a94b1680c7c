from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fidelis.forms import error_list
from fidelis.programmes import access, actions
from fidelis.programmes.forms import (
    AcceptInvitationForm,
    InvitationForm,
    OrganisationForm,
    ProgrammeForm,
    TeamForm,
    TimepointForm,
)
from fidelis.programmes.home import sections_for
from fidelis.programmes.models import (
    Invitation,
    Membership,
    Organisation,
    Programme,
    Role,
    Team,
)


def crumbs(*pairs) -> list[dict]:
    return [{"text": text, "href": href} for text, href in pairs]


def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_public.jinja")
    sections = sections_for(request.user)
    return render(request, "home.jinja", {"sections": sections})


@login_required
def programme_list(request):
    programmes = Programme.objects.visible_to(request.user).order_by("name")
    return render(
        request,
        "programmes/list.jinja",
        {"programmes": programmes, "can_create": access.can_create_programme(request.user)},
    )


@login_required
def programme_create(request):
    if not access.can_create_programme(request.user):
        raise PermissionDenied("Only a Fidelis administrator can start a programme.")
    form = ProgrammeForm(request.POST or None, user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = actions.create_programme(
            name=data["name"],
            slug=data["slug"],
            start_date=data["start_date"],
            length_months=data["length_months"],
            scale=data["scale"],
            named_benchmarking=data["named_benchmarking"],
            description=data["description"],
            lead=request.user,
        )
        messages.success(
            request,
            f"{programme.name} created, with baseline, 6-month and "
            "12-month review timepoints. You are its lead.",
        )
        return redirect(programme)
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "Start a programme",
            "submit": "Create programme",
            "cancel": reverse("programme_list"),
            "breadcrumbs": crumbs(
                ("Home", reverse("home")), ("Programmes", reverse("programme_list"))
            ),
        },
    )


@login_required
def programme_detail(request, slug):
    programme = access.programme_for_view(request.user, slug)
    user = request.user
    organisations = (
        Organisation.objects.filter(programme=programme)
        .select_related("programme")
        .prefetch_related(
            Prefetch("teams", queryset=Team.objects.select_related("organisation__programme"))
        )
    )
    visible_orgs = set(
        Organisation.objects.visible_to(user)
        .filter(programme=programme)
        .values_list("pk", flat=True)
    )
    rows = []
    for organisation in organisations:
        for team in organisation.teams.all():
            can_open = access.can_view_team(user, team)
            # A pseudonymous team's organisation stays hidden: "Team B, your own trust"
            # would tell staff which pseudonyms are their neighbours.
            show_organisation = organisation.pk in visible_orgs and (
                can_open or programme.named_benchmarking
            )
            label = access.team_label(user, team)
            rows.append(
                {
                    "label": label,
                    "href": team.get_absolute_url() if can_open else None,
                    "pseudonymous": label != team.name,
                    "organisation": organisation.name if show_organisation else None,
                    "organisation_href": organisation.get_absolute_url()
                    if show_organisation
                    else None,
                    "staff_count": team.staff_count if can_open else None,
                }
            )
    rows.sort(key=lambda r: (r["pseudonymous"], r["label"]))
    return render(
        request,
        "programmes/detail.jinja",
        {
            "programme": programme,
            "rows": rows,
            "timepoints": programme.timepoints.all(),
            "can_manage": access.can_manage_programme(user, programme),
            "roles": [Role(r).label for r in sorted(access.roles_in(user, programme))],
            "is_evaluator": access.has_role(user, programme, Role.EVALUATOR),
            "breadcrumbs": crumbs(("Home", reverse("home")), (programme.name, "")),
        },
    )


@login_required
def programme_edit(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = ProgrammeForm(request.POST or None, instance=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Programme details saved.")
        return redirect(programme)
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "Change programme details",
            "caption": programme.name,
            "submit": "Save details",
            "cancel": programme.get_absolute_url(),
            "breadcrumbs": crumbs(
                ("Home", reverse("home")), (programme.name, programme.get_absolute_url())
            ),
        },
    )


@login_required
def timepoints(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = TimepointForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        actions.add_timepoint(
            programme=programme, label=form.cleaned_data["label"], month=form.cleaned_data["month"]
        )
        messages.success(request, f"Timepoint '{form.cleaned_data['label']}' added.")
        return redirect("timepoints", slug=programme.slug)
    return render(
        request,
        "programmes/timepoints.jinja",
        {
            "programme": programme,
            "form": form,
            "errors": error_list(form),
            "timepoints": programme.timepoints.annotate(n_reviews=Count("reviews")),
            "breadcrumbs": crumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                ("Review timepoints", ""),
            ),
        },
    )


@login_required
@require_POST
def timepoint_delete(request, slug, timepoint_id):
    programme = access.programme_for_management(request.user, slug)
    timepoint = get_object_or_404(programme.timepoints, pk=timepoint_id)
    if timepoint.reviews.exists():
        messages.error(request, f"'{timepoint.label}' has reviews, so it cannot be removed.")
    else:
        timepoint.delete()
        messages.success(request, f"Timepoint '{timepoint.label}' removed.")
    return redirect("timepoints", slug=programme.slug)


@login_required
def organisation_detail(request, slug, org_slug):
    organisation = access.organisation_for_view(request.user, slug, org_slug)
    programme = organisation.programme
    teams, hidden = [], 0
    for team in organisation.teams.select_related("organisation__programme"):
        if access.can_view_team(request.user, team) or programme.named_benchmarking:
            teams.append(
                {
                    "label": access.team_label(request.user, team),
                    "href": team.get_absolute_url()
                    if access.can_view_team(request.user, team)
                    else None,
                }
            )
        else:
            # Listing a trust's other teams, even by pseudonym, would tell staff which
            # pseudonyms are their neighbours.
            hidden += 1
    sponsors = (
        Membership.objects.visible_to(request.user)
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
            "sponsors": sponsors,
            "can_manage": access.can_manage_programme(request.user, programme),
            "breadcrumbs": crumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                (organisation.name, ""),
            ),
        },
    )


@login_required
def organisation_create(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = OrganisationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        organisation = actions.create_organisation(
            programme=programme,
            name=form.cleaned_data["name"],
            ods_code=form.cleaned_data["ods_code"],
        )
        messages.success(request, f"{organisation.name} added.")
        return redirect(organisation)
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "Add an organisation",
            "caption": programme.name,
            "submit": "Add organisation",
            "cancel": programme.get_absolute_url(),
            "breadcrumbs": crumbs(
                ("Home", reverse("home")), (programme.name, programme.get_absolute_url())
            ),
        },
    )


@login_required
def organisation_edit(request, slug, org_slug):
    organisation = access.organisation_for_edit(request.user, slug, org_slug)
    form = OrganisationForm(
        request.POST or None, instance=organisation, programme=organisation.programme
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Organisation details saved.")
        return redirect(organisation)
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "Change organisation details",
            "caption": organisation.name,
            "submit": "Save details",
            "cancel": organisation.get_absolute_url(),
            "breadcrumbs": crumbs(
                ("Home", reverse("home")),
                (organisation.programme.name, organisation.programme.get_absolute_url()),
                (organisation.name, organisation.get_absolute_url()),
            ),
        },
    )


@login_required
def team_detail(request, slug, team_slug):
    team = access.team_for_view(request.user, slug, team_slug)
    programme = team.organisation.programme
    people = (
        Membership.objects.visible_to(request.user)
        .filter(team=team)
        .select_related("user")
        .order_by("role", "user__first_name")
    )
    sponsors = (
        Membership.objects.visible_to(request.user)
        .filter(organisation=team.organisation, role=Role.SPONSOR)
        .select_related("user")
    )
    from fidelis.reviews.panels import team_review_panel

    return render(
        request,
        "programmes/team.jinja",
        {
            "team": team,
            "programme": programme,
            "people": people,
            "sponsors": sponsors,
            "can_edit": access.can_edit_team(request.user, team),
            "can_see_organisation": access.can_view_organisation(request.user, team.organisation),
            "reviews": team_review_panel(request.user, team),
            "breadcrumbs": crumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                (team.name, ""),
            ),
        },
    )


@login_required
def team_create(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = TeamForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        team = actions.create_team(
            organisation=form.cleaned_data["organisation"],
            name=form.cleaned_data["name"],
            area_served=form.cleaned_data["area_served"],
            staff_count=form.cleaned_data["staff_count"],
        )
        messages.success(
            request, f"{team.name} added. Other teams will see it as {team.pseudonym}."
        )
        return redirect(team)
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "Add a team",
            "caption": programme.name,
            "submit": "Add team",
            "cancel": programme.get_absolute_url(),
            "breadcrumbs": crumbs(
                ("Home", reverse("home")), (programme.name, programme.get_absolute_url())
            ),
        },
    )


@login_required
def team_edit(request, slug, team_slug):
    team = access.team_for_edit(request.user, slug, team_slug)
    programme = team.organisation.programme
    can_move = access.can_manage_programme(request.user, programme)
    form = TeamForm(request.POST or None, instance=team, programme=programme, can_move=can_move)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Team details saved.")
        return redirect(team)
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "Change team details",
            "caption": team.name,
            "submit": "Save details",
            "cancel": team.get_absolute_url(),
            "breadcrumbs": crumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                (team.name, team.get_absolute_url()),
            ),
        },
    )


@login_required
def people(request, slug):
    programme = access.programme_for_management(request.user, slug)
    memberships = (
        Membership.objects.filter(programme=programme)
        .select_related("user", "team", "organisation")
        .order_by("user__first_name", "user__last_name", "role")
    )
    by_person: dict[int, dict] = {}
    for membership in memberships:
        entry = by_person.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        entry["roles"].append(
            f"{membership.get_role_display()}"
            + (f" ({membership.team.name})" if membership.team_id else "")
            + (f" ({membership.organisation.name})" if membership.organisation_id else "")
        )
    invitations = (
        Invitation.objects.filter(programme=programme)
        .select_related("team", "organisation", "programme")
        .order_by("-created_at")[:200]
    )
    return render(
        request,
        "programmes/people.jinja",
        {
            "programme": programme,
            "people": list(by_person.values()),
            "invitations": invitations,
            "breadcrumbs": crumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                ("People", ""),
            ),
        },
    )


@login_required
def person_detail(request, person_id):
    person = access.person_for_view(request.user, person_id)
    memberships = (
        Membership.objects.visible_to(request.user)
        .filter(user=person)
        .select_related("programme", "team__organisation__programme", "organisation__programme")
    )
    roles = []
    for membership in memberships:
        if membership.team_id:
            where, href = membership.team.name, membership.team.get_absolute_url()
        elif membership.organisation_id:
            where, href = membership.organisation.name, membership.organisation.get_absolute_url()
        else:
            where, href = membership.programme.name, membership.programme.get_absolute_url()
        roles.append({"role": membership.get_role_display(), "where": where, "href": href})
    return render(
        request,
        "programmes/person.jinja",
        {
            "person": person,
            "roles": roles,
            "breadcrumbs": crumbs(("Home", reverse("home")), (person.display_name, "")),
        },
    )


@login_required
def invite(request, slug):
    programme = access.programme_for_management(request.user, slug)
    form = InvitationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation = actions.invite(
            programme=programme,
            email=data["email"],
            role=data["role"],
            team=data.get("team"),
            organisation=data.get("organisation"),
            invited_by=request.user,
            message=data.get("message", ""),
        )
        messages.success(request, f"Invitation sent to {invitation.email}.")
        return redirect("people", slug=programme.slug)
    return render(
        request,
        "programmes/invite.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "programme": programme,
            "breadcrumbs": crumbs(
                ("Home", reverse("home")),
                (programme.name, programme.get_absolute_url()),
                ("People", reverse("people", args=[programme.slug])),
            ),
        },
    )


@login_required
@require_POST
def revoke_invitation(request, slug, invitation_id):
    programme = access.programme_for_management(request.user, slug)
    invitation = get_object_or_404(Invitation, pk=invitation_id, programme=programme)
    actions.revoke_invitation(invitation=invitation)
    messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("people", slug=programme.slug)


def accept_invitation(request, token):
    invitation = (
        Invitation.objects.select_related("programme", "team", "organisation")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation")
    if not invitation.is_pending:
        return render(
            request, "programmes/invitation_used.jinja", {"invitation": invitation}, status=410
        )
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
                return render(
                    request,
                    "programmes/invitation_used.jinja",
                    {"invitation": invitation},
                    status=410,
                )
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
        except ValueError:
            # A second click on "Create account": the first one already used the link.
            return render(
                request,
                "programmes/invitation_used.jinja",
                {"invitation": invitation},
                status=410,
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
        {
            "invitation": invitation,
            "form": form,
            "errors": error_list(form),
        },
    )


def static_page(request, page):
    return render(request, f"pages/{page}.jinja")
