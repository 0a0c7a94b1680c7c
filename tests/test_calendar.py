"""Calendar files by RFC 5545: text escaped, long lines folded at 75 octets without
splitting a character, all-day and timed events, line ends CRLF."""

import datetime
from zoneinfo import ZoneInfo

from fidelis.calendar import CalendarEntry, calendar, escape, fold

NOW = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)


def test_text_is_escaped():
    assert escape("Agenda; a, b\\c\nnext") == "Agenda\\; a\\, b\\\\c\\nnext"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert "".join(parts) == line
    assert all(len(p.encode()) <= 75 for p in parts)
    assert len(parts[0].encode()) in (74, 75)
    assert fold("SHORT:x") == "SHORT:x"


def test_an_all_day_and_a_timed_event():
    london = ZoneInfo("Europe/London")
    text = calendar(
        [
            CalendarEntry(uid="a@fidelis", title="Group, meeting", day=datetime.date(2027, 1, 12)),
            CalendarEntry(
                uid="b@fidelis",
                title="Learning event",
                starts=datetime.datetime(2027, 6, 3, 10, 0, tzinfo=london),
                ends=datetime.datetime(2027, 6, 3, 15, 30, tzinfo=london),
                place="Town Hall",
                url="https://example.org/e/1/",
            ),
        ],
        now=NOW,
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "DTSTART;VALUE=DATE:20270112\r\nDTEND;VALUE=DATE:20270113" in text
    assert "SUMMARY:Group\\, meeting" in text
    # British summer time: 10:00 in London is 09:00 UTC.
    assert "DTSTART:20270603T090000Z\r\nDTEND:20270603T143000Z" in text
    assert "LOCATION:Town Hall" in text and "DTSTAMP:20261204T090000Z" in text
    assert text.count("BEGIN:VEVENT") == 2
