"""Time `fidelis seed --teams 1000` (three reviews per team) in a fresh, temporary SQLite
database. Budget (ARCHITECTURE.md): under a minute. Figures go to bench/results.json.

    .venv/bin/python bench/seed.py [--teams N] [--seed S]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _results import record

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1000, help="teams to seed (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fidelis-bench-") as data_dir:
        env = {
            **os.environ,
            "FIDELIS_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "fidelis.settings",
        }
        env.pop("DATABASE_URL", None)  # never the developer's database

        def fidelis(*command: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "fidelis", *command],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                sys.exit(f"fidelis {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
            return done.stdout

        fidelis("migrate", "--verbosity", "0")
        started = time.perf_counter()
        output = fidelis("seed", "--teams", str(args.teams), "--seed", str(args.seed))
        seconds = time.perf_counter() - started
        rows = re.search(r"(\d+) rows", output)
        size = Path(data_dir, "fidelis.sqlite3").stat().st_size / 1e6
    verdict = "within" if seconds < BUDGET_SECONDS else "OVER"
    print(
        f"seed --teams {args.teams}: {seconds:.1f} s ({verdict} the {BUDGET_SECONDS} s budget), "
        f"{rows.group(1) if rows else '?'} rows, database {size:.0f} MB"
    )
    where = record(
        "seed.py",
        {
            "teams": args.teams,
            "seed": args.seed,
            "seconds": round(seconds, 2),
            "budget_seconds": BUDGET_SECONDS,
            "rows": int(rows.group(1)) if rows else None,
            "database_mb": round(size, 1),
            "within_budget": seconds < BUDGET_SECONDS,
        },
    )
    print(f"Figures written to {where}.")
    return 0 if seconds < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
