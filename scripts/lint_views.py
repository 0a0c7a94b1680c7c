"""Views decide access only through the apps' access.py: flag what bypasses it.

In every `fidelis/**/views.py` this refuses:
- `Model.objects` (a bare manager): read through `access.*_visible_to(user)`, a
  `*_for_view`/`*_for_edit` lookup, or the related managers of an object those returned;
- `get_object_or_404` / `get_list_or_404`: lookups that decide 404 belong in access.py;
- `.is_superuser` / `.is_staff`: role checks belong in access.py.

    python scripts/lint_views.py [PATH ...]     (default: fidelis/)

Prints `FILE:LINE: message` for each and exits 1 when there is any.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOKUPS = {"get_object_or_404", "get_list_or_404"}
ROLE_FLAGS = {"is_superuser", "is_staff"}


def problems_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if (
                node.attr == "objects"
                and isinstance(node.value, ast.Name)
                and node.value.id[:1].isupper()
            ):
                found.append(
                    (node.lineno, f"{node.value.id}.objects in a view: read through access.py")
                )
            elif node.attr in ROLE_FLAGS:
                found.append((node.lineno, f".{node.attr} in a view: decide in access.py"))
        elif isinstance(node, ast.Name) and node.id in LOOKUPS:
            found.append((node.lineno, f"{node.id} in a view: look up through access.py"))
    return [f"{path}:{line}: {message}" for line, message in sorted(set(found))]


def view_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_file():
            files.append(path)
        else:
            files.extend(sorted(p for p in path.rglob("views.py") if "migrations" not in p.parts))
    return files


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [ROOT / "fidelis"]
    problems = [p for f in view_files(paths) for p in problems_in(f)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
