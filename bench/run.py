"""Run every benchmark in bench/ and print their figures; each script also writes its own
into bench/results.json (commit that file with the change it measures).

.venv/bin/python bench/run.py        (what `make bench` runs)
"""

import subprocess
import sys
import time
from pathlib import Path

from _results import RESULTS

HERE = Path(__file__).resolve().parent
FIRST = ["seed.py", "pages.py"]
# Every other script here is a benchmark too (run.py and helpers starting with _ aside).
SCRIPTS = FIRST + sorted(
    p.name
    for p in HERE.glob("*.py")
    if p.name not in FIRST and p.name != "run.py" and not p.name.startswith("_")
)


def main() -> int:
    failed = []
    for script in SCRIPTS:
        print(f"== {script}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / script)], check=False)
        print(f"   ({time.perf_counter() - started:.0f} s)\n", flush=True)
        if done.returncode != 0:
            failed.append(script)
    print(f"Figures of every benchmark, with the date, nproc and commit: {RESULTS}")
    if failed:
        print("Over budget or failed: " + ", ".join(failed))
        return 1
    print("Every benchmark is within its budget.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
