"""`fidelis scale validate / import / export`."""

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from fidelis.improvement.models import Plan
from fidelis.lib.scalefile import load_scale_file, parse_scale
from fidelis.scales.actions import BUNDLED_DIR, bundled_scale_paths
from fidelis.scales.models import FidelityScale

DEMO = BUNDLED_DIR / "crisis-demo.yaml"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("scale", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def damaged_copy(tmp_path: Path) -> Path:
    data = yaml.safe_load(DEMO.read_text())
    data["version"] = "9.9"
    data["sections"][0]["items"][0]["criteria"][0]["sources"] = ["XX"]
    data["sections"][1]["items"][0]["rule"] = {"kind": "count", "thresholds": {5: 40, 1: 0}}
    path = tmp_path / "damaged.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize("path", bundled_scale_paths(), ids=lambda p: p.name)
def test_every_bundled_scale_is_valid(path, db):
    code, out, _ = run("validate", str(path))
    assert code == 0
    assert "valid" in out


def test_a_damaged_file_gets_file_line_and_reason_for_each_problem(tmp_path, db):
    path = damaged_copy(tmp_path)
    code, out, err = run("validate", str(path))
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) >= 2
    for line in lines:
        file, number, message = line.split(":", 2)
        assert file == str(path)
        assert int(number) > 0
        assert message.strip()
    assert any("unknown evidence source 'XX'" in line for line in lines)
    assert any("no count can reach it" in line for line in lines)
    assert "2 problems found" in err


def test_importing_a_damaged_file_changes_nothing(tmp_path, db):
    before = list(FidelityScale.objects.values_list("slug", "version"))
    code, _, _ = run("import", str(damaged_copy(tmp_path)))
    assert code == 1
    assert list(FidelityScale.objects.values_list("slug", "version")) == before


def test_importing_a_valid_new_version_adds_it(tmp_path, db):
    data = yaml.safe_load(DEMO.read_text())
    data["version"] = "1.1"
    data["mapping"] = {"from_version": "1.0", "items": {n: n for n in range(1, 29)}}
    path = tmp_path / "v11.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    code, out, _ = run("import", str(path))
    assert code == 0, out
    stored = FidelityScale.objects.get(slug="crisis-demo", version="1.1")
    assert stored.previous.version == "1.0"
    assert stored.items.get(number=3).previous_item.scale.version == "1.0"


def test_an_imported_version_cannot_be_imported_again(db):
    with pytest.raises(CommandError, match="already imported"):
        call_command("scale", "import", str(DEMO))


def test_export_then_import_gives_an_identical_scale(tmp_path, db):
    out = tmp_path / "exported.yaml"
    call_command("scale", "export", "crisis-demo", "--out", str(out), stderr=io.StringIO())
    original = FidelityScale.objects.get(slug="crisis-demo", version="1.0")
    original_data = original.data
    # Import into an empty database: remove the stored copy (and what refers to it) first.
    original.programmes.update(scale=None)
    Plan.objects.filter(review__scale=original).delete()  # a plan keeps its review
    original.reviews.all().delete()
    original.delete()
    call_command("scale", "import", str(out), stdout=io.StringIO())
    reimported = FidelityScale.objects.get(slug="crisis-demo", version="1.0")
    assert reimported.data == original_data
    assert parse_scale(out.read_text()) == load_scale_file(DEMO)


def test_export_of_an_unknown_scale_names_the_known_ones(db):
    with pytest.raises(CommandError, match="known scales: crisis-demo"):
        call_command("scale", "export", "no-such-scale")


def test_a_missing_file_gets_a_one_line_reason(db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("scale", "validate", "/nonexistent/scale.yaml")
