"""The house's layers hold: imports point one way, views read through access.py.

`make lint` checks the same with import-linter and scripts/lint_views.py; these tests walk
the code themselves, imports inside functions included, so the suite fails too.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fidelis"

# Lowest first. A module belongs to the first layer with a matching prefix.
LAYERS = [
    ("lib", ["fidelis.lib"]),
    (
        "shared core",
        [
            "fidelis.forms",
            "fidelis.validators",
            "fidelis.pages",
            "fidelis.charts",
            "fidelis.pdf",
            "fidelis.bulk",
            "fidelis.downloads",
            "fidelis.commandline",
            "fidelis.middleware",
        ],
    ),
    ("accounts", ["fidelis.accounts"]),
    ("scales", ["fidelis.scales"]),
    ("programmes", ["fidelis.programmes"]),
    ("reviews", ["fidelis.reviews"]),
    ("benchmarks", ["fidelis.benchmarks"]),
    ("improvement", ["fidelis.improvement"]),
    ("outcomes", ["fidelis.outcomes"]),
    ("project", ["fidelis"]),
]
# Gunicorn reads fidelis/gunicorn.py before Django is set up: its worker hook imports the
# report renderer inside a function because it cannot at the top. Nothing else may.
FUNCTION_IMPORTS_ALLOWED = {"fidelis.gunicorn"}


def layer_of(module: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} is in no layer")


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def imports_of(module: str, path: Path):
    """(imported fidelis module, line, inside a function) for every import in the file."""
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("fidelis"):
                        yield alias.name, child.lineno, in_function
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.rsplit(".", child.level - 1)[0] if child.level > 1 else package
                    name = f"{base}.{child.module}" if child.module else base
                else:
                    name = child.module or ""
                if name.startswith("fidelis"):
                    for alias in child.names:
                        yield f"{name}.{alias.name}", child.lineno, in_function
            yield from visit(child, inner)

    yield from visit(tree, False)


def known(name: str) -> str:
    """The longest prefix of an imported name that is a module of ours."""
    ours = {m for m, _ in modules()}
    while name not in ours and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def test_every_module_is_in_a_layer():
    for module, _ in modules():
        layer_of(module)


def test_no_module_imports_a_higher_layer_even_inside_a_function():
    upward = []
    for module, path in modules():
        for name, line, _ in imports_of(module, path):
            target = known(name)
            if layer_of(target) > layer_of(module):
                upward.append(f"{path.relative_to(ROOT)}:{line}: {module} imports {target}")
    assert upward == []


def test_no_import_of_our_own_code_hides_inside_a_function():
    hidden = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for module, path in modules()
        if module not in FUNCTION_IMPORTS_ALLOWED
        for name, line, in_function in imports_of(module, path)
        if in_function
    ]
    assert hidden == []


def test_apps_of_one_layer_do_not_import_each_other_sideways():
    # programmes and scales are separate layers (scales below); reviews imports both.
    for module, path in modules():
        if layer_of(module) != layer_of("fidelis.scales"):
            continue
        for name, _, _ in imports_of(module, path):
            assert not known(name).startswith("fidelis.programmes"), (module, name)


def test_the_walk_sees_an_upward_import_inside_a_function(tmp_path):
    # Guards the walker: the same code as above must find a planted upward import.
    source = "def f():\n    from fidelis.reviews.models import Review\n    return Review\n"
    path = tmp_path / "access.py"
    path.write_text(source)
    found = list(imports_of("fidelis.programmes.access", path))
    assert found == [("fidelis.reviews.models.Review", 2, True)]
    assert layer_of(known(found[0][0])) > layer_of("fidelis.programmes.access")


def test_lib_imports_no_django():
    for module, path in modules():
        if layer_of(module) != 0:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("django") for a in node.names), module
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("django"), module


def run_view_lint(*paths) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lint_views.py"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_view_reads_a_bare_model_manager_or_decides_roles_itself():
    result = run_view_lint()
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Team.objects.filter(pk=1)", "Team.objects in a view"),
        ("get_object_or_404(Team, pk=1)", "get_object_or_404 in a view"),
        ("request.user.is_superuser", ".is_superuser in a view"),
    ],
)
def test_the_view_lint_flags_what_bypasses_access(tmp_path, line, message):
    views = tmp_path / "views.py"
    views.write_text(f"def page(request):\n    return {line}\n")
    result = run_view_lint(views)
    assert result.returncode == 1
    assert f"{views}:2: {message}" in result.stdout
