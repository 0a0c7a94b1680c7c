"""The rules every piece of free text meets.

- Fidelis holds no patient-identifiable data: text holding a valid NHS number is refused.
- Text holds no control characters other than tab and line breaks (a null byte, say,
  which PostgreSQL cannot store).
- Text has a length that fits its purpose: each field has a limit, shown beside it.

`check_text(field=value, ...)` is the one helper the apps' actions call on every free-text
input before writing, so a form, a command or an API reaches the same rules. The model
fields below carry the NHS-number validator too, so the admin and `full_clean()` refuse it.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models

from fidelis.lib.nhsnumber import find_nhs_numbers

PATIENT_DATA_MESSAGE = (
    "This looks like it contains an NHS number (%(number)s). Fidelis must not hold "
    "information that identifies patients: remove the number and describe the case "
    "without it."
)


def no_patient_identifiers(value) -> None:
    if not isinstance(value, str):
        return
    found = find_nhs_numbers(value)
    if found:
        raise ValidationError(PATIENT_DATA_MESSAGE, code="nhs_number", params={"number": found[0]})


#: The longest free text a field takes unless its action gives another limit.
DEFAULT_TEXT_LIMIT = 10_000
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def no_control_characters(value) -> None:
    if not isinstance(value, str):
        return
    for character in value:
        if unicodedata.category(character) == "Cc" and character not in _ALLOWED_CONTROLS:
            raise ValidationError(
                "This contains a control character (%(code)s) that text cannot hold: "
                "type the text again rather than pasting it.",
                code="control_character",
                params={"code": f"U+{ord(character):04X}"},
            )


def within_limit(value, limit: int) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise ValidationError(
            "Keep this to %(limit)s characters or fewer (it has %(length)s).",
            code="too_long",
            params={"limit": f"{limit:,}", "length": f"{len(value):,}"},
        )


def check_text(*, limits: dict[str, int] | None = None, **fields) -> None:
    """Refuse free text that breaks the rules above, naming each field that does.

    `limits` gives a field's longest length (DEFAULT_TEXT_LIMIT otherwise). Raises one
    ValidationError whose message_dict maps each refused field's name to its messages, so
    a form shows each beside its field; None values are skipped.
    """
    limits = limits or {}
    problems: dict[str, list[ValidationError]] = {}
    for name, value in fields.items():
        if value is None:
            continue
        for rule in (
            lambda v, name=name: within_limit(v, limits.get(name, DEFAULT_TEXT_LIMIT)),
            no_control_characters,
            no_patient_identifiers,
        ):
            try:
                rule(value)
            except ValidationError as error:
                problems.setdefault(name, []).append(error)
                break
    if problems:
        raise ValidationError(problems)


class SafeCharField(models.CharField):
    """A CharField that refuses NHS numbers."""

    default_validators = [no_patient_identifiers]


class SafeTextField(models.TextField):
    """A TextField that refuses NHS numbers."""

    default_validators = [no_patient_identifiers]
