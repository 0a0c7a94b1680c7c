"""The documentation keeps up with the code: settings, commands and role pages."""

import importlib.util
import re
from pathlib import Path

import pytest

from fidelis.demo import PERSONAS

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "fidelis" / "settings.py"
README = ROOT / "README.md"
DOCS = ROOT / "docs"
DEPLOYMENT = DOCS / "deployment.md"
GUIDE = DOCS / "guide"

FIDELIS_COMMANDS = ["demo", "seed", "scale", "agreement", "report"]
COMMAND_LINES = [
    "fidelis demo",
    "fidelis seed --teams N --seed S",
    "fidelis scale validate FILE",
    "fidelis scale import FILE",
    "fidelis scale export SLUG",
    "fidelis agreement FILE.csv",
    "fidelis report reviews --programme SLUG --out DIR",
]


def _load_command_reference():
    path = ROOT / "scripts" / "command_reference.py"
    spec = importlib.util.spec_from_file_location("command_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


command_reference = _load_command_reference()
COMMAND_REFERENCE = command_reference.REFERENCE

ROLE_PAGES = [
    "getting-started.md",
    "programme-lead.md",
    "facilitator.md",
    "reviewer.md",
    "team-manager.md",
    "team-member.md",
    "senior-sponsor.md",
    "evaluator.md",
]
DEMO_USERNAMES = [persona.username for persona in PERSONAS]


def environment_variables_read_by_settings() -> list[str]:
    source = SETTINGS.read_text()
    names = re.findall(r"\benv_(?:str|bool|int|list)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", source)
    return sorted(set(names))


def written_docs() -> list[Path]:
    """The pages people write (not docs/commands.md, which the commands write)."""
    return [path for path in sorted(DOCS.rglob("*.md")) if path != COMMAND_REFERENCE]


def all_docs_text() -> str:
    return "\n".join(path.read_text() for path in written_docs())


def markdown_headings(text: str) -> list[tuple[int, str]]:
    """(level, text) of each ATX heading, skipping fenced code (where # starts a comment)."""
    headings = []
    fence = None
    for line in text.splitlines():
        marker = re.match(r"\s*(`{3,}|~{3,})", line)
        if marker:
            if fence is None:
                fence = marker.group(1)
            elif marker.group(1).startswith(fence):
                fence = None
            continue
        heading = re.match(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*$", line)
        if fence is None and heading:
            headings.append((len(heading.group(1)), heading.group(2)))
    return headings


def section(text: str, title: str) -> str:
    """The text under the `## title` heading, up to the next heading of level 2 or above."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^#{{1,2}} |\Z)", text, re.M | re.S)
    assert match, f"no '## {title}' section"
    return match.group(1)


def test_the_settings_read_some_environment_variables():
    # Guards the regex: if settings.py changed its helpers, the next test would pass vacuously.
    names = environment_variables_read_by_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "FIDELIS_MODE"} <= set(names)


@pytest.mark.parametrize("name", environment_variables_read_by_settings())
def test_every_environment_variable_is_documented_in_deployment(name):
    assert re.search(rf"`{name}`", DEPLOYMENT.read_text()), (
        f"{name} is read in fidelis/settings.py but not described in docs/deployment.md"
    )


@pytest.mark.parametrize("command", FIDELIS_COMMANDS)
def test_every_fidelis_command_is_in_the_readme(command):
    assert f"fidelis {command}" in README.read_text()


@pytest.mark.parametrize("command", FIDELIS_COMMANDS)
def test_every_fidelis_command_is_in_the_docs(command):
    assert f"fidelis {command}" in all_docs_text()


@pytest.mark.parametrize("line", COMMAND_LINES)
def test_the_readme_gives_each_command_with_its_arguments(line):
    assert line in README.read_text()


def test_the_command_reference_matches_every_commands_help(capsys):
    status = command_reference.main(["--check"])
    captured = capsys.readouterr()
    assert status == 0, captured.out + captured.err


def test_the_docs_index_and_the_readme_link_to_the_command_reference():
    assert "(commands.md)" in (DOCS / "index.md").read_text()
    assert "(docs/commands.md)" in section(README.read_text(), "Documentation")


def test_the_readme_opens_with_make_demo_and_make_test():
    opening = "\n".join(README.read_text().splitlines()[:15])
    assert "make demo" in opening
    assert "make test" in opening


def test_the_demo_has_accounts():
    # Guards the import: with no personas, the next test would pass vacuously.
    assert {"lead", "reviewer", "manager", "member"} <= set(DEMO_USERNAMES)


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_the_readme_lists_every_demo_account(username):
    assert f"| `{username}` |" in README.read_text(), (
        f"{username} is a demo account (fidelis.demo.PERSONAS) but has no row in README.md"
    )


def test_the_readme_lists_the_demo_accounts_in_the_demo_builders_order():
    table = section(README.read_text(), "Demo accounts")
    listed = re.findall(r"^\| `([^`]+)` \|", table, re.M)
    assert listed == DEMO_USERNAMES, "README.md's table should follow fidelis.demo.PERSONAS"


@pytest.mark.parametrize("page", ROLE_PAGES)
def test_each_role_has_a_guide_page(page):
    path = GUIDE / page
    assert path.exists(), f"docs/guide/{page} is missing"
    assert path.read_text().startswith("# ")


@pytest.mark.parametrize("page", ROLE_PAGES)
def test_the_docs_index_links_to_each_guide_page(page):
    assert f"guide/{page}" in (DOCS / "index.md").read_text()


def test_relative_links_between_docs_point_at_files_that_exist():
    broken = []
    for path in [README, *sorted(DOCS.rglob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text()):
            if re.match(r"[a-z]+:", target):
                continue
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert not broken, broken


def test_headings_are_read_outside_code_blocks_only():
    text = "# Page\n\n```console\n# a shell comment\n```\n\n## Part\n"
    assert markdown_headings(text) == [(1, "Page"), (2, "Part")]


@pytest.mark.parametrize(
    "path", [README, *sorted(DOCS.rglob("*.md"))], ids=lambda path: str(path.relative_to(ROOT))
)
def test_no_page_has_two_headings_with_the_same_text_at_the_same_level(path):
    headings = markdown_headings(path.read_text())
    repeated = sorted({heading for heading in headings if headings.count(heading) > 1})
    assert not repeated, f"{path.relative_to(ROOT)} repeats headings: {repeated}"
