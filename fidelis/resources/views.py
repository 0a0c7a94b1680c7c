from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fidelis import uploads
from fidelis.downloads import table_response
from fidelis.forms import error_list, status_for
from fidelis.pages import breadcrumbs, paginate
from fidelis.programmes import access as programme_access
from fidelis.resources import access, actions, notify, usage
from fidelis.resources import library as reads
from fidelis.resources.forms import (
    DeclineForm,
    LibrarySearchForm,
    ReminderSettingsForm,
    ResourceForm,
)
from fidelis.resources.models import Kind, Status, Use

#: Resources to a page of the library.
LIBRARY_PAGE = 20


def _crumbs(programme, *more):
    return breadcrumbs(
        ("Home", reverse("home")),
        (programme.name, programme.get_absolute_url()),
        *more,
    )


def _library_url(programme) -> str:
    return reverse("library", args=[programme.slug])


def blocks(body: str) -> list[tuple[str, object]]:
    """A resource's text as paragraphs and lists: a blank line starts a paragraph, a line
    starting with "- " is a list item."""
    result: list[tuple[str, object]] = []
    for chunk in (body or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            result.append(("ul", [line[2:] for line in lines]))
        else:
            result.append(("p", " ".join(lines)))
    return result


@login_required
def library_start(request):
    """The header's "Resources": straight to the library of the person's one programme."""
    programmes = list(programme_access.programmes_visible_to(request.user).order_by("name"))
    if len(programmes) == 1:
        return redirect("library", programmes[0].slug)
    return render(
        request,
        "resources/choose.jinja",
        {
            "programmes": programmes,
            "breadcrumbs": breadcrumbs(("Home", reverse("home")), ("Resources", "")),
        },
    )


@login_required
def library(request, slug):
    programme = access.programme_for_library(request.user, slug)
    scale = programme.scale
    items = list(scale.items.order_by("number")) if scale else []
    sections = list(scale.sections.order_by("number")) if scale else []
    form = LibrarySearchForm(request.GET or None, items=items, sections=sections)
    data = form.cleaned_data if form.is_valid() else {}
    rows = reads.search(
        request.user,
        programme,
        q=data.get("q", ""),
        item=data.get("item"),
        section=data.get("section"),
        kind=data.get("kind", ""),
        audience=data.get("audience", ""),
    )
    pages = paginate(request, rows, per_page=LIBRARY_PAGE)
    shown = list(pages.items)
    can_manage = access.can_manage_library(request.user, programme)
    sharing = access.teams_sharing_for(request.user, programme)
    filtered = any(data.get(k) for k in ("q", "item", "section", "kind", "audience"))
    return render(
        request,
        "resources/library.jinja",
        {
            "programme": programme,
            "form": form,
            "resources": shown,
            "numbers": reads.item_numbers([r.pk for r in shown]),
            "pages": pages,
            "filtered": filtered,
            "can_manage": can_manage,
            "can_share": bool(sharing),
            "own_shared": reads.shared_by_teams(request.user, programme, sharing),
            "awaiting": reads.awaiting([programme.pk]).count() if can_manage else 0,
            "review_overdue": reads.past_review(programme).count() if can_manage else 0,
            "kinds": dict(Kind.choices),
            "breadcrumbs": _crumbs(programme, ("Resources", "")),
        },
    )


def _count_use(request, found, use: str) -> None:
    """Count an opening or a download of a resource in the library for the team whose page
    it came from (`?team=`), when the person is on its staff (fidelis.resources.access)."""
    if found.status != Status.PUBLISHED:
        return  # a resource waiting for approval is not the library's yet
    team_id = request.GET.get("team", "")
    actions.log_use(
        resource=found,
        team_id=access.using_team(
            request.user, found.programme_id, int(team_id) if team_id.isdigit() else None
        ),
        use=use,
    )


@login_required
def resource(request, resource_id):
    found = access.resource_for_view(request.user, resource_id)
    programme = found.programme
    _count_use(request, found, Use.VIEW)
    items = list(found.items.select_related("scale").order_by("number"))
    return render(
        request,
        "resources/resource.jinja",
        {
            "resource": found,
            "programme": programme,
            "blocks": blocks(found.body),
            "items": items,
            "sections": list(found.sections.order_by("number")),
            "shows_sharer": access.shows_sharer(request.user, found),
            "can_change": access.can_change_resource(request.user, found),
            "can_decide": access.can_decide(request.user, found),
            "size_text": uploads.size_text,
            "team_query": request.GET.get("team", ""),
            "today": timezone.localdate(),
            "breadcrumbs": _crumbs(
                programme, ("Resources", _library_url(programme)), (found.title, "")
            ),
        },
    )


@login_required
def resource_file(request, resource_id):
    found = access.resource_for_view(request.user, resource_id)
    if not found.file:
        return redirect(found)
    _count_use(request, found, Use.DOWNLOAD)
    return uploads.download(found.file, found.file_name or "resource")


def _resource_form(request, programme, found, *, sharing: bool):
    scale = programme.scale
    items = scale.items.order_by("number")
    sections = scale.sections.order_by("number")
    teams = access.teams_sharing_for(request.user, programme) if sharing else None
    if found is None:
        initial = {}
    else:
        initial = {
            "title": found.title,
            "use_when": found.use_when,
            "kind": found.kind,
            "audience": found.audience,
            "body": found.body,
            "url": found.url,
            "items": list(found.items.all()),
            "sections": list(found.sections.all()),
            "review_due": found.review_due,
            "show_team_name": found.show_team_name,
        }
    form = ResourceForm(
        request.POST or None,
        request.FILES or None,
        items=items,
        sections=sections,
        teams=teams if found is None else None,
        sharing=sharing,
        has_file=bool(found and found.file),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shared_by = None
        if sharing and found is None:
            shared_by = data.get("team") or (teams[0] if teams else None)
        try:
            saved = actions.save_resource(
                programme=programme,
                by=request.user,
                resource=found,
                title=data["title"],
                kind=data["kind"],
                audience=data["audience"],
                use_when=data["use_when"],
                body=data["body"],
                url=data["url"],
                upload=request.FILES.get("file"),
                items=list(data["items"]),
                sections=list(data["sections"]),
                review_due=data["review_due"],
                shared_by=shared_by,
                show_team_name=data.get("show_team_name", False),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved.status == Status.PENDING:
                messages.success(
                    request,
                    f"Shared: {saved.title}. The programme lead approves it before other "
                    "teams see it.",
                )
            else:
                messages.success(request, f"Saved: {saved.title}.")
            return redirect(saved)
    if found is not None:
        heading = "Change the resource"
    elif sharing:
        heading = "Share your team's good practice"
    else:
        heading = "Add a resource"
    return render(
        request,
        "resources/resource_form.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "programme": programme,
            "resource": found,
            "sharing": sharing,
            "heading": heading,
            "breadcrumbs": _crumbs(
                programme, ("Resources", _library_url(programme)), (heading, "")
            ),
        },
        status=status_for(form),
    )


@login_required
def resource_new(request, slug):
    programme = access.programme_for_library_management(request.user, slug)
    return _resource_form(request, programme, None, sharing=False)


@login_required
def resource_share(request, slug):
    programme = access.programme_for_sharing(request.user, slug)
    if not access.teams_sharing_for(request.user, programme):
        return redirect("resource_new", slug)  # the lead adds to the library directly
    return _resource_form(request, programme, None, sharing=True)


@login_required
def resource_edit(request, resource_id):
    found = access.resource_for_edit(request.user, resource_id)
    return _resource_form(request, found.programme, found, sharing=bool(found.shared_by_id))


@login_required
def resource_remove(request, resource_id):
    found = access.resource_for_edit(request.user, resource_id)
    if request.method == "POST":
        programme = found.programme
        actions.remove(resource=found)
        messages.success(request, f"Removed from the library: {found.title}.")
        return redirect("library", programme.slug)
    return render(
        request,
        "resources/resource_remove.jinja",
        {
            "resource": found,
            "programme": found.programme,
            "uses": sum(found.uses.values_list("count", flat=True)),
            "breadcrumbs": _crumbs(
                found.programme,
                ("Resources", _library_url(found.programme)),
                (found.title, found.get_absolute_url()),
                ("Remove", ""),
            ),
        },
    )


@login_required
def resource_decide(request, resource_id):
    found = access.resource_for_decision(request.user, resource_id)
    if found.status != Status.PENDING:
        word = "approved" if found.status == Status.PUBLISHED else "declined"
        messages.info(request, f"{found.title} is {word} already.")
        return redirect(found)
    form = DeclineForm(request.POST or None)
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                actions.approve(resource=found, by=request.user)
                messages.success(request, f"Approved: {found.title} is in every team's library.")
                return redirect(found)
            if form.is_valid():
                actions.decline(
                    resource=found, by=request.user, reason=form.cleaned_data["decline_reason"]
                )
                messages.success(request, f"Not approved: {found.shared_by.name} can see why.")
                return redirect("resource_approvals", found.programme.slug)
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "resources/resource_decide.jinja",
        {
            "resource": found,
            "programme": found.programme,
            "form": form,
            "errors": error_list(form),
            "blocks": blocks(found.body),
            "items": list(found.items.order_by("number")),
            "size_text": uploads.size_text,
            "breadcrumbs": _crumbs(
                found.programme,
                ("Resources", _library_url(found.programme)),
                ("Awaiting approval", reverse("resource_approvals", args=[found.programme.slug])),
                (found.title, ""),
            ),
        },
        status=status_for(form),
    )


@login_required
def approvals(request, slug):
    programme = access.programme_for_library_management(request.user, slug)
    pages = paginate(request, reads.awaiting([programme.pk]), per_page=LIBRARY_PAGE)
    overdue = reads.past_review(programme)[:50]
    return render(
        request,
        "resources/approvals.jinja",
        {
            "programme": programme,
            "resources": pages.items,
            "pages": pages,
            "overdue": list(overdue),
            "breadcrumbs": _crumbs(
                programme, ("Resources", _library_url(programme)), ("Awaiting approval", "")
            ),
        },
    )


def _period(request) -> tuple[int, datetime.date]:
    """The months asked for (`?months=`, 12 unless one of usage.PERIODS), and the day they
    start."""
    try:
        months = int(request.GET.get("months", 12))
    except ValueError:
        months = 12
    months = months if months in usage.PERIODS else 12
    return months, usage.add_months(timezone.localdate(), -months)


@login_required
def usage_page(request, slug):
    programme = access.programme_for_usage(request.user, slug)
    months, since = _period(request)
    found = usage.usage_for(programme, since)
    teams = paginate(request, found.teams, per_page=20, param="page")
    resources = paginate(request, found.resources, per_page=25, param="rpage")
    return render(
        request,
        "resources/usage.jinja",
        {
            "programme": programme,
            "usage": found,
            "teams": teams.items,
            "team_pages": teams,
            "resources": resources.items,
            "resource_pages": resources,
            "months": months,
            "periods": usage.PERIODS,
            "low": usage.LOW,
            "kinds": dict(Kind.choices),
            "items_with_low": sorted(
                (i for i in found.items if i.low_teams),
                key=lambda i: (-i.low_untouched, -i.low_teams, i.number),
            ),
            "breadcrumbs": _crumbs(
                programme, ("Resources", _library_url(programme)), ("How the library is used", "")
            ),
        },
    )


@login_required
def usage_csv(request, slug):
    programme = access.programme_for_usage(request.user, slug)
    months, since = _period(request)
    return table_response(
        f"{programme.slug}-resource-use-{months}-months",
        "csv",
        [
            "team",
            "organisation",
            "item",
            "item_title",
            "latest_score",
            "resources_for_item",
            "openings",
            "downloads",
        ],
        usage.team_rows(programme, since),
    )


# Notifications ----------------------------------------------------------------------------

NOTIFICATIONS_PAGE = 25


@login_required
def notifications(request):
    if request.method == "POST":
        what = request.POST.get("action")
        if what == "read":
            n = notify.mark_read(request.user)
            messages.success(request, f"{n} marked as read." if n else "Nothing new to mark.")
        elif what == "clear":
            n = notify.clear_read(request.user)
            messages.success(request, f"{n} cleared." if n else "Nothing read to clear.")
        return redirect("notifications")
    notify.refresh(request.user, timezone.localdate())
    found = access.notifications_of(request.user).order_by("read_at", "-created_at", "-pk")
    pages = paginate(request, found, per_page=NOTIFICATIONS_PAGE)
    return render(
        request,
        "resources/notifications.jinja",
        {
            "notifications": pages.items,
            "pages": pages,
            "unread": notify.unread_count(request.user),
            "frequency": notify.frequency_of(request.user),
            "breadcrumbs": breadcrumbs(("Home", reverse("home")), ("Notifications", "")),
        },
    )


@login_required
def notification_open(request, notification_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = access.notification_for_user(request.user, notification_id)
    notify.mark_read(request.user, [found.pk])
    return redirect(found.href)


@login_required
def reminder_settings(request):
    form = ReminderSettingsForm(
        request.POST or None, initial={"frequency": notify.frequency_of(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        notify.set_frequency(request.user, form.cleaned_data["frequency"])
        messages.success(request, "Your reminder settings are saved.")
        return redirect("notifications")
    return render(
        request,
        "resources/reminder_settings.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "email": request.user.email,
            "breadcrumbs": breadcrumbs(
                ("Home", reverse("home")),
                ("Notifications", reverse("notifications")),
                ("Reminder settings", ""),
            ),
        },
        status=status_for(form),
    )
