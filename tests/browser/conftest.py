"""Browser tests: Debian's Chromium, driven by Playwright, against a real Fidelis server.

The server runs in its own process on a fresh SQLite database holding the demo
programme, as `make demo` serves it (debugging off). Each test starts from that same
database: it is copied once after the demo is built and copied back before every test
(SQLite's online backup, safe while the server has the file open), so no test sees
another's changes. Tests are written on tests/browser/base.py's SystemTest.
"""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("FIDELIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_env(tmp_path_factory):
    data = tmp_path_factory.mktemp("fidelis-browser")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        FIDELIS_DATA_DIR=str(data),
        FIDELIS_NO_RATE_LIMITS="1",
        # As `make demo` serves: refused pages are the NHS-styled 404 and 403.
        DEBUG="false",
        # A template that prints a variable its view did not pass fails the page.
        FIDELIS_STRICT_TEMPLATES="true",
        PYTHONUNBUFFERED="1",
    )
    return env


def _copy_database(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def run_in_server_database(env, code: str) -> str:
    """Run Python with Django set up against the browser tests' server database."""
    result = subprocess.run(
        [sys.executable, "-m", "fidelis", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="session")
def server_url(server_env):
    env = server_env
    data = Path(env["FIDELIS_DATA_DIR"])
    subprocess.run(
        [sys.executable, "-m", "fidelis", "demo", "--no-serve"],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
        timeout=600,
    )
    _copy_database(data / "fidelis.sqlite3", data / "pristine.sqlite3")
    port = _free_port()
    log = open(data / "server.log", "w")  # noqa: SIM115 (closed at teardown)
    process = subprocess.Popen(
        [sys.executable, "-m", "fidelis", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError((data / "server.log").read_text()) from None
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def fresh_database(server_url, server_env):
    """The demo database as it was built, before each test."""
    data = Path(server_env["FIDELIS_DATA_DIR"])
    _copy_database(data / "pristine.sqlite3", data / "fidelis.sqlite3")
    return data / "fidelis.sqlite3"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (WCAG 2.2 A and AA rules) on the page; return serious violations.
    The engine is evaluated through the DevTools protocol, which the page's CSP allows."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
