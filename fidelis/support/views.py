from __future__ import annotations

import datetime
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from fidelis import uploads
from fidelis.calendar import CalendarEntry, calendar_response
from fidelis.forms import error_list, status_for
from fidelis.pages import breadcrumbs, paginate
from fidelis.programmes.models import Role
from fidelis.support import access, actions, caseload
from fidelis.support import events as events_reads
from fidelis.support.engagement import indicators_for
from fidelis.support.forms import (
    AttendeeForm,
    ContactForm,
    EventFileForm,
    EventForm,
    FollowUpForm,
    MeetingForm,
    SupportSettingsForm,
)
from fidelis.support.models import MeetingKind, Mode, minutes_text


def _crumbs(team, *more):
    programme = team.organisation.programme
    return breadcrumbs(
        ("Home", reverse("home")),
        (programme.name, programme.get_absolute_url()),
        (team.name, team.get_absolute_url()),
        *more,
    )


def _support_url(team) -> str:
    return reverse("team_support", args=[team.organisation.programme.slug, team.slug])


def _programme_crumbs(programme, *more):
    return breadcrumbs(
        ("Home", reverse("home")),
        (programme.name, programme.get_absolute_url()),
        *more,
    )


@login_required
def team_support(request, slug, team_slug):
    team = access.team_for_support(request.user, slug, team_slug)
    programme = team.organisation.programme
    today = timezone.localdate()
    indicator = indicators_for(programme, [team.pk], today)[team.pk]
    settings = actions.settings_for(programme)
    months = caseload.months_of([team.pk], settings, today)[team.pk]
    pages = paginate(request, access.contacts_of(team), per_page=20)
    return render(
        request,
        "support/team.jinja",
        {
            "team": team,
            "programme": programme,
            "indicator": indicator,
            "months": months,
            "dose": caseload.monthly_dose_minutes(settings),
            "contacts": pages.items,
            "pages": pages,
            "can_log": access.can_log_contact(request.user, team),
            "meetings": list(access.meetings_of(team)[:3]),
            "can_record": access.can_record_meetings(request.user, team),
            "today": today,
            "breadcrumbs": _crumbs(team, ("Facilitation", "")),
        },
    )


@login_required
def log_contact_start(request, slug):
    """ "Log a contact": the form for the team of the person's last contact, or their
    caseload to choose a team from."""
    programme = access.programme_for_caseload(request.user, slug)
    last = access.last_logged_by(request.user, programme)
    if last is not None and access.can_log_contact(request.user, last.team):
        return redirect("support_contact_new", programme.slug, last.team.slug)
    return redirect("support_caseload", programme.slug)


def _contact_form(request, team, contact):
    programme = team.organisation.programme
    goals = access.goals_to_discuss_qs(team)
    last = access.last_logged_by(request.user, programme) if contact is None else None
    if contact is None:
        initial = {
            "happened_on": timezone.localdate(),
            "mode": last.mode if last else Mode.VISIT,
        }
    else:
        initial = {
            "happened_on": contact.happened_on,
            "mode": contact.mode,
            "minutes": contact.minutes,
            "took_part": contact.took_part,
            "goals": list(contact.goals.all()),
            "items": list(contact.items.all()),
            "notes": contact.notes,
        }
    form = ContactForm(
        request.POST or None,
        goals=goals,
        items=access.items_qs_for(team.organisation.programme),
        people=access.owners_for(team),
        follow_up=contact is None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_contact(
                team=team,
                by=request.user,
                contact=contact,
                happened_on=data["happened_on"],
                mode=data["mode"],
                minutes=data["minutes"],
                took_part=data["took_part"],
                goals=list(data.get("goals") or []),
                items=list(data["items"]),
                notes=data["notes"],
                follow_up=form.follow_up_data(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            follow_ups = saved.follow_ups.count()
            messages.success(
                request,
                f"Contact logged: {saved}."
                + (
                    " Its follow-up is now an action of the plan."
                    if follow_ups and contact is None
                    else ""
                ),
            )
            return redirect(saved)
    others = (
        [t for t in access.caseload_teams(request.user, programme) if t.pk != team.pk]
        if contact is None
        else []
    )
    return render(
        request,
        "support/contact_form.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "team": team,
            "contact": contact,
            "others": others,
            "plan": access.plan_in_progress(team),
            "breadcrumbs": _crumbs(
                team, ("Facilitation", _support_url(team)), ("Log a contact", "")
            ),
        },
        status=status_for(form),
    )


@login_required
def contact_new(request, slug, team_slug):
    team = access.team_for_logging(request.user, slug, team_slug)
    return _contact_form(request, team, None)


@login_required
def contact_edit(request, contact_id):
    found = access.contact_for_edit(request.user, contact_id)
    return _contact_form(request, found.team, found)


@login_required
def contact(request, contact_id):
    found = access.contact_for_view(request.user, contact_id)
    team = found.team
    can_change = access.can_change_contact(request.user, found)
    goals = access.goals_to_discuss_qs(team)
    form = None
    if can_change and goals.exists():
        form = FollowUpForm(request.POST or None, goals=goals, people=access.owners_for(team))
        if request.method == "POST" and form.is_valid():
            try:
                action = actions.add_follow_up(
                    contact=found, follow_up=form.follow_up_data(), by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Follow-up added to the plan: {action.title}, owned by {action.owner}.",
                )
                return redirect(found)
    elif request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    return render(
        request,
        "support/contact.jinja",
        {
            "contact": found,
            "team": team,
            "form": form,
            "errors": error_list(form) if form else [],
            "can_change": can_change,
            "follow_ups": list(found.follow_ups.select_related("owner", "goal")),
            "goals": list(found.goals.all()),
            "items": list(found.items.all()),
            "breadcrumbs": _crumbs(team, ("Facilitation", _support_url(team)), ("Contact", "")),
        },
        status=status_for(form) if form else 200,
    )


@login_required
def contact_remove(request, contact_id):
    found = access.contact_for_edit(request.user, contact_id)
    team = found.team
    if request.method == "POST":
        actions.remove_contact(contact=found)
        messages.success(request, "Contact removed. Its follow-ups stay in the plan as actions.")
        return redirect(_support_url(team))
    return render(
        request,
        "support/contact_remove.jinja",
        {
            "contact": found,
            "team": team,
            "follow_ups": found.follow_ups.count(),
            "breadcrumbs": _crumbs(
                team, ("Facilitation", _support_url(team)), ("Remove a contact", "")
            ),
        },
    )


def _caseload_page(request, programme, person):
    today = timezone.localdate()
    settings = actions.settings_for(programme)
    teams = access.caseload_teams(person, programme)
    rows = caseload.caseload(programme, teams, settings, today)
    quiet = {row.team.pk for row in rows if not row.month_contacts}
    own = person.pk == request.user.pk
    return render(
        request,
        "support/caseload.jinja",
        {
            "programme": programme,
            "person": person,
            "own": own,
            "rows": rows,
            "months": caseload.months_to(today),
            "dose": caseload.monthly_dose_minutes(settings),
            "settings": settings,
            "quiet": quiet,
            "can_view_caseloads": access.can_view_caseloads(request.user, programme),
            "breadcrumbs": _programme_crumbs(
                programme,
                *(
                    ()
                    if own
                    else (
                        (
                            "Facilitators' caseloads",
                            reverse("support_caseloads", args=[programme.slug]),
                        ),
                    )
                ),
                ("Your caseload" if own else f"{person.display_name}'s caseload", ""),
            ),
        },
    )


@login_required
def my_caseload(request, slug):
    programme = access.programme_for_caseload(request.user, slug)
    if not access.is_facilitator_in(request.user, programme):
        return redirect("support_caseloads", programme.slug)
    return _caseload_page(request, programme, request.user)


@login_required
def facilitator_caseload(request, slug, person_id):
    programme = access.programme_for_caseload(request.user, slug)
    person = access.facilitator_for_view(request.user, programme, person_id)
    return _caseload_page(request, programme, person)


@login_required
def caseloads(request, slug):
    programme = access.programme_for_caseloads(request.user, slug)
    today = timezone.localdate()
    pages = paginate(request, access.facilitators_of(programme), per_page=20)
    settings = actions.settings_for(programme)
    return render(
        request,
        "support/caseloads.jinja",
        {
            "programme": programme,
            "rows": caseload.summaries(programme, list(pages.items), today),
            "minutes_text": minutes_text,
            "pages": pages,
            "settings": settings,
            "dose": caseload.monthly_dose_minutes(settings),
            "breadcrumbs": _programme_crumbs(programme, ("Facilitators' caseloads", "")),
        },
    )


@login_required
def support_settings(request, slug):
    programme = access.programme_for_support_settings(request.user, slug)
    current = actions.settings_for(programme)
    form = SupportSettingsForm(
        request.POST or None,
        initial={
            "weekly_sessions": current.weekly_sessions,
            "session_hours": current.session_hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_settings(
                programme=programme,
                weekly_sessions=form.cleaned_data["weekly_sessions"],
                session_hours=form.cleaned_data["session_hours"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Facilitation dose saved.")
            return redirect("support_caseloads", programme.slug)
    return render(
        request,
        "form_page.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "title": "The facilitation dose",
            "caption": programme.name,
            "intro": "The facilitation time each team is offered. Caseloads show the time "
            "spent with each team every month against it: a new dose changes the share shown "
            "for past months too.",
            "submit": "Save",
            "cancel": reverse("support_caseloads", args=[programme.slug]),
            "breadcrumbs": _programme_crumbs(
                programme,
                ("Facilitators' caseloads", reverse("support_caseloads", args=[programme.slug])),
                ("Dose", ""),
            ),
        },
        status=status_for(form),
    )


# Meetings ------------------------------------------------------------------------------------


def _meetings_url(team) -> str:
    return reverse("team_meetings", args=[team.organisation.programme.slug, team.slug])


@login_required
def team_meetings(request, slug, team_slug):
    team = access.team_for_support(request.user, slug, team_slug)
    pages = paginate(request, access.meetings_of(team), per_page=20)
    return render(
        request,
        "support/meetings.jinja",
        {
            "team": team,
            "programme": team.organisation.programme,
            "meetings": pages.items,
            "pages": pages,
            "today": timezone.localdate(),
            "can_record": access.can_record_meetings(request.user, team),
            "breadcrumbs": _crumbs(team, ("Meetings", "")),
        },
    )


def _meeting_form(request, team, meeting, kind):
    goals = access.goals_to_discuss_qs(team)
    initial = {"held_on": timezone.localdate()}
    if meeting is not None:
        initial = {
            "held_on": meeting.held_on,
            "goal": meeting.goal,
            "attendees": list(meeting.attendees.all()),
            "others": meeting.others,
            "agenda": meeting.agenda,
            "decisions": meeting.decisions,
            "priorities": list(meeting.priorities.all()),
        }
    form = MeetingForm(
        request.POST or None,
        kind=kind,
        goals=goals,
        people=access.attendees_for(team),
        items=access.items_qs_for(team.organisation.programme),
        follow_up=meeting is None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = actions.save_meeting(
                team=team,
                by=request.user,
                meeting=meeting,
                kind=kind,
                goal=data.get("goal"),
                held_on=data["held_on"],
                attendees=list(data["attendees"]),
                others=data["others"],
                agenda=data["agenda"],
                decisions=data["decisions"],
                priorities=list(data.get("priorities") or []),
                follow_up=form.follow_up_data(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Meeting saved: {saved}.")
            return redirect(saved)
    title = dict(MeetingKind.choices)[kind]
    return render(
        request,
        "support/meeting_form.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "team": team,
            "meeting": meeting,
            "kind": kind,
            "title": title,
            "cancel": meeting.get_absolute_url() if meeting else _meetings_url(team),
            "breadcrumbs": _crumbs(
                team, ("Meetings", _meetings_url(team)), ("Change" if meeting else "Record", "")
            ),
        },
        status=status_for(form),
    )


@login_required
def meeting_new(request, slug, team_slug):
    team = access.team_for_meetings(request.user, slug, team_slug)
    kind = request.GET.get("kind") or request.POST.get("kind") or MeetingKind.GROUP
    if kind not in MeetingKind.values:
        kind = MeetingKind.GROUP
    return _meeting_form(request, team, None, kind)


@login_required
def meeting_edit(request, meeting_id):
    found = access.meeting_for_edit(request.user, meeting_id)
    return _meeting_form(request, found.team, found, found.kind)


@login_required
def meeting(request, meeting_id):
    found = access.meeting_for_view(request.user, meeting_id)
    team = found.team
    can_record = access.can_record_meetings(request.user, team)
    goals = access.goals_to_discuss_qs(team)
    form = None
    if can_record and goals.exists():
        form = FollowUpForm(request.POST or None, goals=goals, people=access.owners_for(team))
        form.fields["follow_up"].label = "An action agreed"
        if request.method == "POST" and form.is_valid():
            try:
                action = actions.add_meeting_action(
                    meeting=found, follow_up=form.follow_up_data(), by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"Action added to the plan: {action.title}, owned by {action.owner}."
                )
                return redirect(found)
    elif request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    return render(
        request,
        "support/meeting.jinja",
        {
            "meeting": found,
            "team": team,
            "form": form,
            "errors": error_list(form) if form else [],
            "can_record": can_record,
            "attendees": list(found.attendees.all()),
            "priorities": list(found.priorities.all()),
            "plan_actions": list(found.actions.select_related("owner", "goal")),
            "today": timezone.localdate(),
            "breadcrumbs": _crumbs(team, ("Meetings", _meetings_url(team)), (found.title, "")),
        },
        status=status_for(form) if form else 200,
    )


@login_required
def meeting_remove(request, meeting_id):
    found = access.meeting_for_edit(request.user, meeting_id)
    team = found.team
    if request.method == "POST":
        actions.remove_meeting(meeting=found)
        messages.success(request, "Meeting removed. The actions it agreed stay in the plan.")
        return redirect(_meetings_url(team))
    return render(
        request,
        "support/meeting_remove.jinja",
        {
            "meeting": found,
            "team": team,
            "n_actions": found.actions.count(),
            "breadcrumbs": _crumbs(team, ("Meetings", _meetings_url(team)), ("Remove", "")),
        },
    )


@login_required
def meeting_ics(request, meeting_id):
    found = access.meeting_for_view(request.user, meeting_id)
    return calendar_response(
        f"meeting-{found.pk}",
        [
            CalendarEntry(
                uid=f"meeting-{found.pk}@fidelis",
                title=f"{found.team.name}: {found.title}",
                day=found.held_on,
                description=found.agenda,
                url=request.build_absolute_uri(found.get_absolute_url()),
            )
        ],
    )


# Learning events ---------------------------------------------------------------------------

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _events_url(programme) -> str:
    return reverse("support_events", args=[programme.slug])


def _event_crumbs(programme, *more):
    return _programme_crumbs(programme, ("Learning events", _events_url(programme)), *more)


@login_required
def events(request, slug):
    programme = access.programme_for_events(request.user, slug)
    now = timezone.now()
    found = access.events_visible_to(request.user, programme)
    mine = access.registrations_by_event(request.user, [e.pk for e in found])
    return render(
        request,
        "support/events.jinja",
        {
            "programme": programme,
            "coming": sorted((e for e in found if e.ends_at >= now), key=lambda e: e.starts_at),
            "past": [e for e in found if e.ends_at < now],
            "mine": mine,
            "can_manage": access.can_manage_events(request.user, programme),
            "breadcrumbs": _programme_crumbs(programme, ("Learning events", "")),
        },
    )


def _event_form(request, programme, event):
    suggested = events_reads.suggested_topics(programme) if event is None else []
    items = access.items_qs_for(programme)
    if event is None:
        initial = {
            "invited_roles": [Role.TEAM_MANAGER, Role.TEAM_MEMBER, Role.FACILITATOR, Role.SPONSOR],
            "topics": [i for i in items if i.number in {s["number"] for s in suggested}],
            "starts": datetime.time(10, 0),
            "ends": datetime.time(15, 30),
        }
    else:
        local_start = timezone.localtime(event.starts_at, LONDON)
        initial = {
            "title": event.title,
            "day": local_start.date(),
            "starts": local_start.time(),
            "ends": timezone.localtime(event.ends_at, LONDON).time(),
            "place": event.place,
            "online_link": event.online_link,
            "agenda": event.agenda,
            "invited_roles": event.invited_roles,
            "organisations": list(event.organisations.all()),
            "capacity": event.capacity,
            "topics": list(event.topics.all()),
            "notes": event.notes,
        }
    roles = [(r, Role(r).label) for r in access.INVITABLE]
    form = EventForm(
        request.POST or None,
        roles=roles,
        organisations=access.organisations_of(programme),
        items=items,
        with_notes=event is not None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def at(time):
            if data["day"] is None or time is None:
                return None
            return datetime.datetime.combine(data["day"], time, tzinfo=LONDON)

        try:
            saved = actions.save_event(
                programme=programme,
                by=request.user,
                event=event,
                title=data["title"],
                starts_at=at(data["starts"]),
                ends_at=at(data["ends"]),
                place=data["place"],
                online_link=data["online_link"],
                agenda=data["agenda"],
                notes=data.get("notes", event.notes if event else ""),
                invited_roles=data["invited_roles"],
                organisations=list(data["organisations"]),
                capacity=data["capacity"],
                topics=list(data["topics"]),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                moved = {
                    ("day" if name in ("starts_at",) else "ends" if name == "ends_at" else name): m
                    for name, m in error.message_dict.items()
                }
                error = ValidationError(moved)
            form.add_error(None, error)
        else:
            messages.success(request, f"Event saved: {saved.title}.")
            return redirect(saved)
    return render(
        request,
        "support/event_form.jinja",
        {
            "form": form,
            "errors": error_list(form),
            "programme": programme,
            "event": event,
            "suggested": suggested,
            "breadcrumbs": _event_crumbs(programme, ("Change" if event else "Plan an event", "")),
        },
        status=status_for(form),
    )


@login_required
def event_new(request, slug):
    programme = access.programme_for_event_management(request.user, slug)
    return _event_form(request, programme, None)


@login_required
def event_edit(request, event_id):
    found = access.event_for_management(request.user, event_id)
    return _event_form(request, found.programme, found)


@login_required
def event(request, event_id):
    found = access.event_for_view(request.user, event_id)
    programme = found.programme
    can_manage = access.can_manage_events(request.user, programme)
    upload = EventFileForm(request.POST or None, request.FILES or None) if can_manage else None
    if request.method == "POST":
        if upload is None:
            return HttpResponseNotAllowed(["GET"])
        try:
            added = actions.add_event_file(
                event=found, upload=request.FILES.get("file"), by=request.user
            )
        except ValidationError as error:
            upload.add_error(None, error)
        else:
            messages.success(request, f"{added.name} shared with everyone invited.")
            return redirect(found)
    now = timezone.now()
    registration = access.registration_of(request.user, found)
    taken = found.registrations.filter(registered=True).count()
    return render(
        request,
        "support/event.jinja",
        {
            "event": found,
            "programme": programme,
            "registration": registration,
            "invited": access.is_invited(request.user, found),
            "taken": taken,
            "full": found.capacity is not None and taken >= found.capacity,
            "started": found.starts_at <= now,
            "ended": found.ends_at < now,
            "topics": list(found.topics.all()),
            "organisations": list(found.organisations.all()),
            "roles": [Role(r).label for r in found.invited_roles],
            "can_manage": can_manage,
            "files": access.files_of(found),
            "size_text": uploads.size_text,
            "upload": upload,
            "errors": error_list(upload) if upload else [],
            "breadcrumbs": _event_crumbs(programme, (found.title, "")),
        },
        status=status_for(upload) if upload else 200,
    )


@login_required
def event_file(request, event_id, file_id):
    found = access.event_file_for_download(request.user, event_id, file_id)
    return uploads.download(found.file, found.name)


@login_required
def event_file_remove(request, event_id, file_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = access.event_file_for_removal(request.user, event_id, file_id)
    actions.remove_event_file(found=found)
    messages.success(request, f"{found.name} removed.")
    return redirect("support_event", event_id)


@login_required
def event_register(request, event_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    found = access.event_for_view(request.user, event_id)
    try:
        if request.POST.get("action") == "cancel":
            actions.cancel_registration(event=found, user=request.user)
            messages.success(request, "Your place is given up.")
        else:
            actions.register(event=found, user=request.user)
            messages.success(request, "You are registered. Add the event to your calendar.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(found)


@login_required
def event_invitees(request, event_id):
    found = access.event_for_management(request.user, event_id)
    pages = paginate(request, access.invitees_of(found), per_page=50)
    people = list(pages.items)
    return render(
        request,
        "support/event_invitees.jinja",
        {
            "event": found,
            "programme": found.programme,
            "rows": events_reads.states(people, access.registrations_of(found, people)),
            "places": access.where_invitees_work(found, people),
            "pages": pages,
            "taken": found.registrations.filter(registered=True).count(),
            "breadcrumbs": _event_crumbs(
                found.programme, (found.title, found.get_absolute_url()), ("Invitees", "")
            ),
        },
    )


@login_required
def event_attendance(request, event_id):
    found = access.event_for_management(request.user, event_id)
    registrants = list(access.registrants_of(found))
    adding = AttendeeForm(request.POST or None)
    errors = []
    if request.method == "POST":
        try:
            if request.POST.get("step") == "add":
                if adding.is_valid():
                    added = actions.add_attendee(event=found, who=adding.cleaned_data["who"])
                    messages.success(request, f"{added.user.display_name} recorded as come.")
                    return redirect("support_event_attendance", found.pk)
            else:
                came = {int(v) for v in request.POST.getlist("came") if v.isdigit()}
                n = actions.take_attendance(event=found, came=came)
                messages.success(request, f"Attendance saved: {n} came.")
                return redirect(found)
        except ValidationError as error:
            if request.POST.get("step") == "add":
                adding.add_error(None, error)
                errors = error_list(adding)
            else:
                errors = [{"text": m, "href": "#came"} for m in error.messages]
    return render(
        request,
        "support/event_attendance.jinja",
        {
            "event": found,
            "programme": found.programme,
            "registrants": registrants,
            "adding": adding,
            "started": timezone.localdate(found.starts_at) <= timezone.localdate(),
            "errors": errors,
            "breadcrumbs": _event_crumbs(
                found.programme, (found.title, found.get_absolute_url()), ("Attendance", "")
            ),
        },
        status=400 if errors else 200,
    )


@login_required
def event_ics(request, event_id):
    found = access.event_for_view(request.user, event_id)
    return calendar_response(
        f"event-{found.pk}",
        [
            CalendarEntry(
                uid=f"event-{found.pk}@fidelis",
                title=found.title,
                starts=found.starts_at,
                ends=found.ends_at,
                place=", ".join(x for x in (found.place, found.online_link) if x),
                description=found.agenda,
                url=request.build_absolute_uri(found.get_absolute_url()),
            )
        ],
    )


@login_required
def event_cancel(request, event_id):
    found = access.event_for_management(request.user, event_id)
    programme = found.programme
    if request.method == "POST":
        actions.cancel_event(event=found)
        messages.success(request, f"{found.title} is called off.")
        return redirect(_events_url(programme))
    return render(
        request,
        "support/event_cancel.jinja",
        {
            "event": found,
            "registered": found.registrations.filter(registered=True).count(),
            "breadcrumbs": _event_crumbs(
                programme, (found.title, found.get_absolute_url()), ("Call it off", "")
            ),
        },
    )
