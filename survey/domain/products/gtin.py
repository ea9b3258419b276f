"""GTINs as printed under a barcode: EAN-8, UPC-A (12 digits) and EAN-13.

The last digit is a check digit (GS1 General Specifications, "check digit calculation"): from the
rightmost digit before it, digits are weighted 3, 1, 3, 1, …; the check digit brings the weighted sum
up to a multiple of ten. A misread or mistyped digit fails the check, so a wrong product is never
counted under the right one's label.
"""

from __future__ import annotations

LENGTHS = (8, 12, 13)


def check_digit(body: str) -> int:
    """The check digit for the digits before it."""
    total = sum(int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def problem(text: str) -> str | None:
    """Why a GTIN cannot be right, in the words the field error uses, or None when it can.

    Returned as a key ("digits", "length", "check_digit") so each channel says it in its language."""
    if not text.isascii() or not text.isdigit():
        return "digits"
    if len(text) not in LENGTHS:
        return "length"
    if check_digit(text[:-1]) != int(text[-1]):
        return "check_digit"
    return None


def is_valid(text: str) -> bool:
    return problem(text) is None


def tidy(text: str) -> str:
    """What a person typed or pasted, without the spaces and dashes printed between digit groups."""
    return "".join(ch for ch in text.strip() if ch not in " -\u00a0")
