"""Recognising NHS numbers in free text (10 digits with a modulus 11 check digit).

However a number is written, it is found: the text is normalised first (Unicode NFKC, so
full-width, superscript and other compatibility digits become plain ones and a
non-breaking space a space; zero-width characters and soft hyphens are dropped), then any
short run of characters that are not letters or digits between digits (spaces, tabs,
line breaks, hyphens and dashes, dots, slashes, underscores, brackets) counts as a
separator, so "(943) 476 5919", "9434 765 919", "943.476.5919" and "9 4 3 4 7 6 5 9 1 9"
are all one number. A comma or semicolon separates figures in a list ("scores 1, 2, 3")
rather than the parts of one number, so it breaks the run. Ten digits in a row that are
part of a longer run of digits (an eleven-digit reference) are not an NHS number, and
neither are ten digits whose check digit is wrong.
"""

import re
import unicodedata

# Characters people type or paste without seeing them.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Digits joined by short runs of separators (not letters, digits, commas or semicolons).
_SEPARATOR = r"(?:[^\w,;]|_){1,3}"
_CHAIN = re.compile(rf"\d+(?:{_SEPARATOR}\d+)*")
_GROUP = re.compile(r"\d+")


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


def normalise(text: str) -> str:
    """The text as the search reads it: NFKC, without invisible characters."""
    return unicodedata.normalize("NFKC", text or "").translate(_INVISIBLE)


def _plain(digits: str) -> str:
    return "".join(str(unicodedata.digit(d)) for d in digits)


def find_nhs_numbers(text: str) -> list[str]:
    """The valid NHS numbers written in the text, as they appear once normalised."""
    found = []
    for chain in _CHAIN.finditer(normalise(text)):
        groups = list(_GROUP.finditer(chain.group(0)))
        # Whole groups only: ten digits cut out of a longer group are part of another number.
        for start in range(len(groups)):
            length = 0
            for end in range(start, len(groups)):
                length += len(groups[end].group(0))
                if length > 10:
                    break
                if length == 10:
                    digits = _plain("".join(g.group(0) for g in groups[start : end + 1]))
                    if is_valid_nhs_number(digits):
                        found.append(chain.group(0)[groups[start].start() : groups[end].end()])
                    break
    return found
