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
