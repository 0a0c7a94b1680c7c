"""The "Saved at" time: the time of day today, with its date on any other day."""

import datetime

from django.utils import timezone

from fidelis.jinja2 import clock


def test_today_s_time_alone_and_another_day_s_with_its_date():
    now = timezone.now()
    assert clock(now) == timezone.localtime(now).strftime("%H:%M:%S")
    earlier = now - datetime.timedelta(days=2)
    local = timezone.localtime(earlier)
    assert clock(earlier) == local.strftime("%H:%M:%S") + f" on {local.day} {local:%B %Y}"
    assert clock(None) == ""
