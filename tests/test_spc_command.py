"""`fidelis spc FILE.csv`: a series in, its XmR chart out as JSON; a bad file refused with
its line and exit status 1."""

import io
import json
import os
import re
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

# Twenty months with a step up after the tenth: the last seven sit above the mean.
SERIES = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 14, 15, 14, 16, 15, 14, 15, 16, 15, 14]


def write(tmp_path, rows, name="series.csv"):
    path = tmp_path / name
    path.write_text("period,value\n" + "".join(f"{p},{v}\n" for p, v in rows))
    return path


def chart(*args):
    out = io.StringIO()
    call_command("spc", *map(str, args), stdout=out)
    return json.loads(out.getvalue())


def months(values, start_year=2024):
    return [(f"{start_year + i // 12}-{i % 12 + 1:02d}", v) for i, v in enumerate(values)]


def test_a_series_becomes_its_chart(tmp_path):
    found = chart(write(tmp_path, months(SERIES)), "--target", 20)
    [group] = found["groups"]
    assert group["n"] == 20 and group["start"] == "2024-01" and group["short"] is False
    assert group["mean"] == pytest.approx(sum(SERIES) / 20)
    assert group["upper_limit"] == pytest.approx(
        group["mean"] + 2.66 * group["average_moving_range"]
    )
    assert [p["period"] for p in found["points"]][:2] == ["2024-01", "2024-02"]
    last = found["points"][-1]
    assert last["shift"] and last["special_cause"] == "shift"
    assert last["point_type"] == "special_cause_improvement"
    assert found["variation"] == "improvement_high"
    assert found["assurance"] == "consistent_fail"  # 20 is above the upper limit


def test_direction_rebase_and_fixed_limits_are_options(tmp_path):
    path = write(tmp_path, months(SERIES))
    lower_is_better = chart(path, "--direction", "decrease")
    assert lower_is_better["variation"] == "concern_high"
    rebased = chart(path, "--rebase", "2024-11")
    assert [g["start"] for g in rebased["groups"]] == ["2024-01", "2024-11"]
    assert all(p["special_cause"] is None for p in rebased["points"])
    fixed = chart(path, "--fix-after", 12)
    assert fixed["groups"][0]["mean"] == pytest.approx(sum(SERIES[:12]) / 12)
    screened = chart(path)["groups"][0]["average_moving_range"]
    unscreened = chart(path, "--no-screen-outliers")["groups"][0]["average_moving_range"]
    assert unscreened >= screened


@pytest.mark.parametrize(
    ("rows", "options", "message"),
    [
        ([(1, 2), (2, "x")], [], "series.csv: line 3: 'x' is not a number"),
        ([(1, 2), (1, 3)], [], "series.csv: line 3: period 1 does not come after"),
        (months(SERIES), ["--rebase", "2031-01"], "rebase period '2031-01' is not one of"),
        (months(SERIES), ["--rebase", "2024-13"], "--rebase: '2024-13' is not a month"),
        (months(SERIES), ["--fix-after", "5"], "at least 12"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(tmp_path, rows, options, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        chart(write(tmp_path, rows), *options)


def test_a_missing_file_is_named():
    with pytest.raises(CommandError, match=re.escape("no-such.csv: no such file")):
        chart("no-such.csv")


def test_a_malformed_file_exits_1_naming_its_line(tmp_path):
    path = write(tmp_path, [(1, 2), (2, 3), ("2025-01", 4)])
    result = subprocess.run(
        [sys.executable, "-m", "fidelis", "spc", str(path)],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "line 4: the period is a month" in result.stderr
    assert result.stdout == ""
