"""`fidelis agreement FILE.csv` prints the agreement statistics as JSON."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DATA = Path(__file__).resolve().parents[1] / "lib" / "data"


def agreement(path) -> dict:
    out = io.StringIO()
    call_command("agreement", str(path), stdout=out)
    return json.loads(out.getvalue())


def test_it_reproduces_shrout_and_fleiss_to_two_decimals():
    result = agreement(DATA / "shrout_fleiss.csv")
    assert (result["n_units"], result["n_raters"]) == (6, 4)
    expected = {
        "ICC1": 0.17,
        "ICC2": 0.29,
        "ICC3": 0.71,
        "ICC1k": 0.44,
        "ICC2k": 0.62,
        "ICC3k": 0.91,
    }
    assert {k: round(v, 2) for k, v in result["icc"].items()} == expected


def test_it_reproduces_krippendorffs_example_with_missing_ratings():
    result = agreement(DATA / "krippendorff_2011.csv")
    assert (result["n_units"], result["n_raters"]) == (12, 4)
    assert round(result["alpha"]["nominal"], 2) == 0.74
    assert round(result["alpha"]["ordinal"], 2) == 0.82
    assert round(result["alpha"]["interval"], 2) == 0.85
    assert set(result) == {
        "n_units",
        "n_raters",
        "icc",
        "alpha",
        "exact_agreement",
        "adjacent_agreement",
    }


def test_a_malformed_csv_is_rejected_with_its_line_number(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("unit,rater,score\nU1,R1,3\nU1,R2,three\n")
    with pytest.raises(CommandError, match=r"bad.csv: line 3: .*three"):
        call_command("agreement", str(path))


def test_the_command_line_exits_1_with_a_one_line_reason(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "bad.csv"
    path.write_text("unit,score\nU1,3\n")
    result = subprocess.run(
        [sys.executable, "-m", "fidelis", "agreement", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "line 1" in result.stderr and "rater" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
