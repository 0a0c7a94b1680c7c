"""Where the bench scripts keep their figures: bench/results.json.

One JSON object keyed by script name ("seed.py", "pages.py", ...). Each script replaces
only its own entry, so running one script leaves the others' figures as they were. Every
entry says when and where it was measured: the date, the machine's processor count (what
`nproc` prints) and the commit measured.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"


def nproc() -> int:
    """Processors this process may use, as `nproc` counts them."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def commit() -> str | None:
    """The commit measured, marked when the code outside bench/ has changed since."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain", "--", ".", ":!bench"],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head} with uncommitted changes" if changes else head


def record(script: str, figures: dict) -> Path:
    """Write `figures` as `script`'s entry in results.json, keeping the other entries."""
    try:
        results = json.loads(RESULTS.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        results = {}
    results[script] = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": nproc(),
        "commit": commit(),
        **figures,
    }
    partial = RESULTS.with_name(RESULTS.name + ".tmp")
    partial.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    partial.replace(RESULTS)  # atomic: a reader never sees half a file
    return RESULTS
