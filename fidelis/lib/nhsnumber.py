"""Recognising NHS numbers in free text (10 digits with a modulus 11 check digit)."""

import re

# Ten digits, optionally grouped 3-3-4 with spaces or hyphens, not part of a longer number.
_CANDIDATE = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")


def is_valid_nhs_number(digits: str) -> bool:
    """True when ten digits pass the NHS number modulus 11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def find_nhs_numbers(text: str) -> list[str]:
    """The valid NHS numbers written in the text, as they appear."""
    return [
        match.group(0)
        for match in _CANDIDATE.finditer(text or "")
        if is_valid_nhs_number("".join(match.groups()))
    ]
