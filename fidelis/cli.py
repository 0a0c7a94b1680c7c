"""The `fidelis` command: Django's management commands plus Fidelis's own.

Fidelis commands: demo, seed, scale (validate, import, export), agreement, report,
send-digests.
Run `fidelis help` for the full list and `fidelis COMMAND --help` for each.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fidelis.settings")
    # A data directory named in the environment is made when it does not exist yet, so a
    # first `fidelis demo` or `fidelis migrate` there does not fail to open its database.
    data_dir = os.environ.get("FIDELIS_DATA_DIR")
    if data_dir:
        os.makedirs(data_dir, exist_ok=True)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fidelis", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
