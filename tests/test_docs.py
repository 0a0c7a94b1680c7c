"""The documentation keeps up with the code: settings, commands, demo accounts and role pages.

The lists checked here come from the code: the environment variables from settings.py, the
demo accounts from fidelis.demo.PERSONAS, and the commands, their subcommands and their
arguments from Django's command registry and each command's argument parser (through
scripts/command_reference.py, which also generates docs/commands.md).
"""

import argparse
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


def fidelis_commands() -> list[str]:
    """Every Fidelis command and subcommand as typed after `fidelis`: "scale", "scale import"."""
    return [" ".join(words) for words, _ in command_reference.command_parsers()]


def _option_words(action: argparse.Action) -> list[str]:
    if action.option_strings:
        words = [max(action.option_strings, key=len)]
        if action.nargs != 0:
            words.append(action.metavar or action.dest.upper())
        return words
    return [action.metavar or action.dest.upper()]


def command_lines() -> list[str]:
    """`fidelis COMMAND [SUBCOMMAND]` with its required arguments (positional arguments, as
    argparse marks them required unless optional, and required options), for every command
    that runs without a further subcommand: "fidelis scale export SLUG"."""
    lines = []
    for words, parser in command_reference.command_parsers():
        if command_reference.subparsers(parser):
            continue
        arguments = [
            word
            for action in parser._actions
            if action.required and not isinstance(action, argparse._SubParsersAction)
            for word in _option_words(action)
        ]
        lines.append(" ".join(["fidelis", *words, *arguments]))
    return lines


def mentions(text: str, phrase: str) -> bool:
    """`phrase` appears in `text` as whole words: "fidelis scale" is not in "fidelis scales"."""
    return re.search(re.escape(phrase) + r"(?![\w-])", text) is not None


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


# Settings


def test_the_settings_read_some_environment_variables():
    # Guards the regex: if settings.py changed its helpers, the next test would pass vacuously.
    names = environment_variables_read_by_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "FIDELIS_MODE"} <= set(names)


@pytest.mark.parametrize("name", environment_variables_read_by_settings())
def test_every_environment_variable_is_documented_in_deployment(name):
    assert re.search(rf"`{name}`", DEPLOYMENT.read_text()), (
        f"{name} is read in fidelis/settings.py but not described in docs/deployment.md"
    )


# Commands


def test_the_commands_are_found_wherever_fidelis_keeps_them():
    # Guards the discovery: if it found nothing, the tests below would pass vacuously.
    commands = fidelis_commands()
    assert {"demo", "seed", "scale", "scale validate", "agreement", "report reviews"} <= set(
        commands
    )
    assert "migrate" not in commands, "Django's own commands are not Fidelis's"


def test_the_command_lines_carry_positional_arguments_and_required_options():
    lines = command_lines()
    assert "fidelis scale export SLUG" in lines
    assert "fidelis report reviews --programme SLUG --out DIR" in lines


@pytest.mark.parametrize("command", fidelis_commands())
def test_every_fidelis_command_is_in_the_readme(command):
    assert mentions(README.read_text(), f"fidelis {command}"), (
        f"`fidelis {command}` is a command but README.md does not mention it"
    )


@pytest.mark.parametrize("command", fidelis_commands())
def test_every_fidelis_command_is_in_the_docs(command):
    assert mentions(all_docs_text(), f"fidelis {command}"), (
        f"`fidelis {command}` is a command but no page under docs/ (other than the generated "
        "command reference) mentions it"
    )


@pytest.mark.parametrize("line", command_lines())
def test_the_readme_gives_each_command_with_its_arguments(line):
    assert mentions(README.read_text(), line), (
        f"README.md should give `{line}`: its positional arguments and required options"
    )


def test_the_command_reference_matches_every_commands_help(capsys):
    status = command_reference.main(["--check"])
    captured = capsys.readouterr()
    assert status == 0, captured.out + captured.err


def test_the_docs_index_and_the_readme_link_to_the_command_reference():
    assert "(commands.md)" in (DOCS / "index.md").read_text()
    assert "(docs/commands.md)" in section(README.read_text(), "Documentation")


# README


def test_the_readme_opens_with_make_demo_and_make_test():
    opening = "\n".join(README.read_text().splitlines()[:15])
    assert "make demo" in opening
    assert "make test" in opening


# Demo accounts


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


# Guide pages and links


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
