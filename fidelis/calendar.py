"""Calendar files (.ics, RFC 5545) for meetings and events: a reader adds them to Outlook,
Google or Apple calendars with their date, time, place and a link back to Fidelis."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone

PRODUCT = "-//Fidelis//Fidelis//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """One event: all day when `day` is given, else from `starts` to `ends` (aware)."""

    uid: str
    title: str
    day: datetime.date | None = None
    starts: datetime.datetime | None = None
    ends: datetime.datetime | None = None
    place: str = ""
    description: str = ""
    url: str = ""


def escape(text: str) -> str:
    """Text as an iCalendar TEXT value: backslashes, semicolons, commas and line breaks
    escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets, continuation lines starting with a space,
    never splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(entries: list[CalendarEntry], now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN"]
    for entry in entries:
        lines += ["BEGIN:VEVENT", f"UID:{entry.uid}", f"DTSTAMP:{_utc(now)}"]
        if entry.day is not None:
            lines += [
                f"DTSTART;VALUE=DATE:{entry.day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{entry.day + datetime.timedelta(days=1):%Y%m%d}",
            ]
        else:
            lines.append(f"DTSTART:{_utc(entry.starts)}")
            if entry.ends is not None:
                lines.append(f"DTEND:{_utc(entry.ends)}")
        lines.append(f"SUMMARY:{escape(entry.title)}")
        if entry.place:
            lines.append(f"LOCATION:{escape(entry.place)}")
        if entry.description:
            lines.append(f"DESCRIPTION:{escape(entry.description)}")
        if entry.url:
            lines.append(f"URL:{entry.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


def calendar_response(name: str, entries: list[CalendarEntry]) -> HttpResponse:
    response = HttpResponse(calendar(entries), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response
