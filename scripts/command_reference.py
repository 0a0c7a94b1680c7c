"""Write docs/commands.md from the `--help` of every Fidelis command and subcommand.

    python scripts/command_reference.py          rewrite docs/commands.md
    python scripts/command_reference.py --check  exit 1 with a diff if it is out of date

Fidelis's commands are the Django management commands that come from the `fidelis` app or
one of its `fidelis.*` apps, so a command is found wherever it lives. The help is
formatted COLUMNS=100 wide, so the page does not depend on the terminal it was made in.
tests/test_docs.py imports this module: the lists it checks come from the same functions.
"""

import argparse
import difflib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "commands.md"
PROG = "fidelis"
COLUMNS = "100"

INTRO = f"""\
# Command reference

This page is generated from the `--help` of each Fidelis command: do not edit it by hand.
After changing a command, regenerate it with `.venv/bin/python scripts/command_reference.py`:
`make test` fails until the page matches the commands.

Every Django command also works through `{PROG}` (`{PROG} help` lists them all); the
[README](../README.md#the-fidelis-command) gives the ones you need most in one line each.
"""


def is_fidelis_app(app_name: str) -> bool:
    return app_name == "fidelis" or app_name.startswith("fidelis.")


def fidelis_commands() -> dict[str, str]:
    """Fidelis's own commands, {command name: app name}, sorted by name."""
    from django.core.management import get_commands

    return {name: app for name, app in sorted(get_commands().items()) if is_fidelis_app(app)}


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """A parser's subcommands, {name: parser}, in the order the command declares them."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


@contextmanager
def help_width() -> Iterator[None]:
    """argparse reads COLUMNS when it formats help: set it for the duration, then restore."""
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = COLUMNS
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


def command_parsers() -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(words after `fidelis`, parser) for every command, each followed by its subcommands
    (and theirs), as `fidelis WORDS --help` would parse them."""
    from django.core.management import load_command_class

    def walk(words, parser):
        yield words, parser
        for name, sub in subparsers(parser).items():
            yield from walk((*words, name), sub)

    for name, app in fidelis_commands().items():
        command = load_command_class(app, name)
        yield from walk((name,), command.create_parser(PROG, name))


def render() -> str:
    """The whole of docs/commands.md."""
    parts = [INTRO]
    with help_width():
        for words, parser in command_parsers():
            level = "#" * (len(words) + 1)
            line = " ".join((PROG, *words))
            help_text = parser.format_help().rstrip()
            parts.append(f"{level} {line}\n\n```console\n$ {line} --help\n{help_text}\n```\n")
    return "\n".join(parts)


def out_of_date(current: str, expected: str) -> str:
    """A unified diff from the page as it is to the page as the commands make it ('' if
    they are the same)."""
    name = str(REFERENCE.relative_to(ROOT))
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"{name} (as it is)",
            tofile=f"{name} (from --help)",
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="Change nothing; exit 1 and print a diff if docs/commands.md is out of date.",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fidelis.settings")
    import django
    from django.apps import apps

    if not apps.ready:  # run in-process by the tests, Django is already set up
        django.setup()

    expected = render()
    if not args.check:
        REFERENCE.write_text(expected, encoding="utf-8")
        print(f"Wrote {REFERENCE.relative_to(ROOT)}")
        return 0
    current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
    diff = out_of_date(current, expected)
    if diff:
        print(diff, end="")
        print(
            f"{REFERENCE.relative_to(ROOT)} is out of date: "
            "run .venv/bin/python scripts/command_reference.py",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
