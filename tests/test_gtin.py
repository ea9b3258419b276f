"""GTIN check digits, on codes printed on real packs and on every single-digit mistake."""

from __future__ import annotations

import pytest

from survey.domain.products import gtin

# Codes as printed on packs (Vietnamese 893 prefix, an EAN-8, a UPC-A, a German EAN-13).
REAL = ["8934563138165", "8935049500513", "96385074", "036000291452", "4006381333931"]


@pytest.mark.parametrize("code", REAL)
def test_printed_codes_pass(code):
    assert gtin.problem(code) is None


@pytest.mark.parametrize("code", REAL)
def test_every_single_wrong_digit_is_caught(code):
    for position in range(len(code)):
        for digit in "0123456789":
            if digit != code[position]:
                wrong = code[:position] + digit + code[position + 1 :]
                assert gtin.problem(wrong) == "check_digit", wrong


def test_an_adjacent_swap_of_different_digits_is_caught_when_weights_differ():
    code = "4006381333931"
    swapped = code[0:2] + code[3] + code[2] + code[4:]  # 0 and 6 swapped
    assert gtin.problem(swapped) == "check_digit"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "digits"),
        ("89345631381", "length"),
        ("12345678901234", "length"),
        ("893456313816x", "digits"),
        ("８９３４５６３１３８１６５", "digits"),
        ("-893456313816", "digits"),
    ],
)
def test_what_is_not_a_gtin_says_why(text, why):
    assert gtin.problem(text) == why


def test_tidy_drops_the_spaces_and_dashes_printed_between_groups():
    assert gtin.tidy(" 8 934563 138165 ") == "8934563138165"
    assert gtin.tidy("0-36000-29145-2") == "036000291452"
