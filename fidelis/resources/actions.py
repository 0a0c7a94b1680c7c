"""Every change to the library and to reminders goes through here: a form, the demo and a
command reach the same rules. Nothing is written when a rule refuses."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from fidelis.programmes.models import Programme, Team
from fidelis.resources.models import (
    Kind,
    Resource,
    ResourceUse,
    Status,
    Use,
)
from fidelis.uploads import check_upload, clean_name
from fidelis.validators import check_text

LIMITS = {"title": 120, "use_when": 200, "body": 20_000, "decline_reason": 2_000}
#: Kinds that point somewhere else, so need a web address.
LINKED_KINDS = frozenset({Kind.LINK, Kind.VIDEO})


def search_text_of(resource: Resource, items, sections) -> str:
    """What the search reads: the title, "use this when", the text, and the titles of the
    items and sections it is linked to (so "carers" finds everything for item 12)."""
    return "\n".join(
        [
            resource.title,
            resource.use_when,
            resource.body,
            *(f"{i.number} {i.title}" for i in items),
            *(s.title for s in sections),
        ]
    )


def _check(*, kind, url, upload, keep_file, items, sections, title, use_when, body) -> None:
    problems: dict[str, object] = {}
    try:
        check_text(limits=LIMITS, title=title, use_when=use_when, body=body)
    except ValidationError as error:
        problems.update(error.error_dict)
    if not (title or "").strip():
        problems["title"] = "Give the resource a title."
    if not (use_when or "").strip():
        problems["use_when"] = 'Say in one line when to use it ("When your referrals wait ...").'
    if kind in LINKED_KINDS and not url:
        problems["url"] = "Give the web address the link goes to."
    if kind not in LINKED_KINDS and not (body or "").strip() and upload is None and not keep_file:
        problems.setdefault("body", "Write the resource here, or attach its file.")
    if not items and not sections:
        problems["items"] = (
            "Link it to at least one item or section, so it shows where that work is done."
        )
    if problems:
        raise ValidationError(problems)
    if upload is not None:
        check_upload(upload)


@transaction.atomic
def save_resource(
    *,
    programme: Programme,
    by,
    resource: Resource | None = None,
    title: str,
    kind: str,
    audience: str,
    use_when: str,
    body: str = "",
    url: str = "",
    upload=None,
    items=(),
    sections=(),
    review_due: datetime.date | None = None,
    shared_by: Team | None = None,
    show_team_name: bool = False,
) -> Resource:
    """Add a resource or change one. A programme resource is in the library at once; a
    resource a team shares waits for the lead's approval (and again after a change made
    before approval)."""
    title, use_when, body = (title or "").strip(), (use_when or "").strip(), (body or "").strip()
    items, sections = list(items), list(sections)
    scale_id = programme.scale_id
    if any(i.scale_id != scale_id for i in items) or any(s.scale_id != scale_id for s in sections):
        raise ValidationError({"items": "Link only items of the programme's scale."})
    _check(
        kind=kind,
        url=url,
        upload=upload,
        keep_file=bool(resource and resource.file),
        items=items,
        sections=sections,
        title=title,
        use_when=use_when,
        body=body,
    )
    if resource is None:
        resource = Resource(programme=programme, added_by=by)
        if shared_by is not None:
            resource.shared_by = shared_by
            resource.status = Status.PENDING
    elif resource.shared_by_id and resource.status == Status.DECLINED:
        resource.status = Status.PENDING  # changed after a decline: asked again
        resource.decline_reason = ""
    resource.title = title
    resource.kind = kind
    resource.audience = audience
    resource.use_when = use_when
    resource.body = body
    resource.url = url if kind in LINKED_KINDS or url else ""
    resource.review_due = review_due
    resource.show_team_name = bool(show_team_name) if resource.shared_by_id else False
    resource.updated_at = timezone.now()
    resource.search_text = search_text_of(resource, items, sections)
    old_file = resource.file.name if resource.file else ""
    if upload is not None:
        resource.file_name = clean_name(upload.name)
        resource.file_size = upload.size
        resource.save()
        resource.file.save(upload.name, upload, save=True)
    else:
        resource.save()
    resource.items.set(items)
    resource.sections.set(sections)
    if upload is not None and old_file:
        transaction.on_commit(lambda: resource.file.storage.delete(old_file))
    return resource


def approve(*, resource: Resource, by) -> Resource:
    if resource.status != Status.PENDING:
        raise ValidationError("Only a resource awaiting approval can be approved.")
    resource.status = Status.PUBLISHED
    resource.decided_by = by
    resource.decided_at = timezone.now()
    resource.decline_reason = ""
    resource.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    return resource


def decline(*, resource: Resource, by, reason: str) -> Resource:
    reason = (reason or "").strip()
    check_text(limits=LIMITS, decline_reason=reason)
    if not reason:
        raise ValidationError(
            {"decline_reason": "Say why, so the team can change it and share it again."}
        )
    if resource.status != Status.PENDING:
        raise ValidationError("Only a resource awaiting approval can be declined.")
    resource.status = Status.DECLINED
    resource.decided_by = by
    resource.decided_at = timezone.now()
    resource.decline_reason = reason
    resource.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    return resource


def remove(*, resource: Resource) -> None:
    name = resource.file.name if resource.file else ""
    storage = resource.file.storage
    with transaction.atomic():
        resource.delete()
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def log_use(*, resource: Resource, team_id: int | None, use: str, day=None) -> None:
    """Count one opening or download for a team (or for people outside any team) on a
    day. Never who: the count is the team's."""
    if use not in Use.values:
        raise ValueError(use)
    day = day or timezone.localdate()
    rows = ResourceUse.objects.filter(resource=resource, team_id=team_id, day=day, use=use)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ResourceUse.objects.create(
                programme_id=resource.programme_id,
                resource=resource,
                team_id=team_id,
                day=day,
                use=use,
            )
    except IntegrityError:  # someone else made the row first
        rows.update(count=F("count") + 1)
