"""The one validator every free-text field uses: Fidelis holds no patient-identifiable data."""

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


class SafeCharField(models.CharField):
    """A CharField that refuses NHS numbers."""

    default_validators = [no_patient_identifiers]


class SafeTextField(models.TextField):
    """A TextField that refuses NHS numbers."""

    default_validators = [no_patient_identifiers]
