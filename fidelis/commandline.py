"""What the `fidelis` commands share: reading the file a command was given, with a
one-line reason (and exit status 1) when it cannot be read."""

from pathlib import Path

from django.core.management.base import CommandError


def read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: a folder, not a file") from None
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None


def read_text(path: str, *, encoding: str = "utf-8-sig") -> str:
    """The file as text; `utf-8-sig` also reads files saved with a byte-order mark, as
    spreadsheet programs save CSV."""
    try:
        return read_bytes(path).decode(encoding)
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not a UTF-8 text file") from None
