from fidelis.lib.nhsnumber import find_nhs_numbers, is_valid_nhs_number


def test_it_accepts_a_number_with_a_correct_check_digit():
    assert is_valid_nhs_number("9434765919")


def test_it_rejects_a_number_with_a_wrong_check_digit():
    assert not is_valid_nhs_number("9434765918")


def test_it_rejects_numbers_whose_check_digit_would_be_ten():
    # 10 * 1 + 9 * 0 ... chosen so that 11 - (sum % 11) == 10
    digits = "1000000010"
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    assert 11 - total % 11 == 10
    assert not is_valid_nhs_number(digits)


def test_it_finds_spaced_and_unspaced_numbers_in_text():
    text = "Seen 943 476 5919 and also 9434765919, and 943-476-5919."
    assert find_nhs_numbers(text) == ["943 476 5919", "9434765919", "943-476-5919"]


def test_it_ignores_ten_digits_inside_longer_numbers_and_invalid_ones():
    assert find_nhs_numbers("ref 19434765919 and 1234567890") == []


def test_it_ignores_ordinary_figures():
    assert find_nhs_numbers("24 staff, 90% seen within 4 hours, 2026-03-01") == []


# Every way of writing 943 476 5919 (a valid number) that the text check must refuse.
WRITTEN = {
    "spaces": "943 476 5919",
    "no spaces": "9434765919",
    "hyphens": "943-476-5919",
    "full-width digits": "９４３４７６５９１９",
    "Arabic-Indic digits": "٩٤٣٤٧٦٥٩١٩",
    "with a label": "NHS no: 943 476 5919",
    "zero-width space": "943\u200b476\u200b5919",
    "zero-width joiner": "94347\u200d65919",
    "soft hyphen": "943\u00ad476\u00ad5919",
    "non-breaking spaces": "943\u00a0476\u00a05919",
    "tabs": "943\t476\t5919",
    "split across lines": "943 476\n5919",
    "split across Windows lines": "943 476\r\n5919",
    "double spaces": "943  476  5919",
    "dots": "943.476.5919",
    "slashes": "943/476/5919",
    "underscores": "943_476_5919",
    "en dash": "943–476–5919",
    "spaced hyphen": "943 - 476 - 5919",
    "brackets": "(943) 476 5919",
    "other grouping": "9434 765 919",
    "digits spaced singly": "9 4 3 4 7 6 5 9 1 9",
    "superscript digits": "⁹⁴³⁴⁷⁶⁵⁹¹⁹",
    "followed by another figure": "943 476 5919, 12 visits",
}


def test_every_way_of_writing_a_valid_number_is_found():
    missed = {name: text for name, text in WRITTEN.items() if not find_nhs_numbers(text)}
    assert missed == {}


def test_near_misses_are_not_numbers():
    assert find_nhs_numbers("943 476 5918") == []  # wrong check digit
    assert find_nhs_numbers("19434765919") == []  # eleven digits
    assert find_nhs_numbers("943 476 59190") == []  # the last group is longer
    # A list of figures is not a number, even when its digits would pass the check.
    assert find_nhs_numbers("Scores 9, 4, 3, 4, 7, 6, 5, 9, 1, 9 across the items") == []
