"""The rules every piece of free text meets: Fidelis holds no patient-identifiable data.

`check_text(field=value, ...)` is the one helper the apps' actions call on every free-text
input before writing, so a form, a command or an API reaches the same rule. The model
fields below carry the same validator, so the admin and `full_clean()` refuse it too.
"""

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


def check_text(**fields) -> None:
    """Refuse free text that breaks the rules above, naming each field that does.

    Raises one ValidationError whose message_dict maps each refused field's name to its
    messages, so a form shows each beside its field; None values are skipped.
    """
    problems: dict[str, list[ValidationError]] = {}
    for name, value in fields.items():
        if value is None:
            continue
        try:
            no_patient_identifiers(value)
        except ValidationError as error:
            problems.setdefault(name, []).append(error)
    if problems:
        raise ValidationError(problems)


class SafeCharField(models.CharField):
    """A CharField that refuses NHS numbers."""

    default_validators = [no_patient_identifiers]


class SafeTextField(models.TextField):
    """A TextField that refuses NHS numbers."""

    default_validators = [no_patient_identifiers]
