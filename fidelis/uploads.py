"""Files people upload (a learning event's slides and notes): checked against the size and
type limits in settings before anything is stored, kept through Django's storage (the
filesystem by default, outside the static files), and only ever sent back as downloads.

A file is never shown in the app's own pages: it is served with `Content-Disposition:
attachment` and `X-Content-Type-Options: nosniff`, as `application/octet-stream` unless
its type is one of the plain document types, so an uploaded HTML or SVG file cannot run in
Fidelis's origin.
"""

from __future__ import annotations

import os
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse

#: Types sent with their own content type (everything else as octet-stream).
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


#: How a kept type's contents begin (office documents are zip archives); text types must
#: read as UTF-8 without NUL bytes.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".odp": (b"PK\x03\x04",),
}
TEXT_TYPES = frozenset({".csv", ".txt"})


def contents_match(upload, extension: str) -> bool:
    """Whether the file's first bytes are those of its type (a type without a rule
    passes)."""
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if extension in TEXT_TYPES:
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            return error.start > len(head) - 4  # a character cut at the chunk's end
        return True
    signatures = SIGNATURES.get(extension)
    return signatures is None or head.startswith(signatures)


def max_bytes() -> int:
    return settings.FIDELIS_UPLOAD_MAX_BYTES


def allowed_extensions() -> list[str]:
    return [e.lower() for e in settings.FIDELIS_UPLOAD_EXTENSIONS]


def size_text(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB".replace(".0 MB", " MB")
    if n >= 1_000:
        return f"{n // 1_000} KB"
    return f"{n} bytes"


def check_upload(upload, field: str = "file") -> None:
    """Refuse a file over the size limit or of a type not allowed, naming the limit."""
    if upload is None:
        raise ValidationError({field: "Choose a file to upload."})
    extension = os.path.splitext(upload.name or "")[1].lower()
    allowed = allowed_extensions()
    if extension not in allowed:
        raise ValidationError(
            {
                field: f"{upload.name} is not a type Fidelis keeps. Upload one of: "
                + ", ".join(e.lstrip(".").upper() for e in allowed)
                + "."
            }
        )
    if upload.size == 0:
        raise ValidationError({field: f"{upload.name} is empty."})
    if upload.size > max_bytes():
        raise ValidationError(
            {
                field: f"{upload.name} is {size_text(upload.size)}: files are kept up to "
                f"{size_text(max_bytes())}."
            }
        )
    if not contents_match(upload, extension):
        kind = extension.lstrip(".").upper()
        raise ValidationError(
            {
                field: f"{upload.name} does not look like a {kind} file from its contents: "
                "check it is the file you meant."
            }
        )


def clean_name(name: str) -> str:
    """The file's name as shown and offered on download: its last part, without
    characters that could break a header, at most 120 characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = re.sub(r"[^\w.\- ()]+", "_", base).strip(" .") or "file"
    stem, extension = os.path.splitext(base)
    return stem[: 120 - len(extension)] + extension


def stored_name(prefix: str, name: str) -> str:
    """Where the file is kept: under the prefix, by a random name with its extension (the
    uploaded name is kept in the database, never used as a path)."""
    extension = os.path.splitext(name)[1].lower()
    return f"{prefix}/{uuid.uuid4().hex}{extension}"


def download(fieldfile, name: str) -> FileResponse:
    """The file as a download, never displayed inline."""
    extension = os.path.splitext(name)[1].lower()
    content_type = DOCUMENT_TYPES.get(extension, "application/octet-stream")
    response = FileResponse(
        fieldfile.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
