"""Names of units and stores: one spelling, and Vietnamese alphabetical order.

A name typed or imported with a double space ("Xã  Bắc Đông Quan", as one official list
spells it) is another string than the same name spelt right: it would sort first in a
list and never match a search for it. `tidy` gives every channel one spelling, and
`sort_key` orders names as a Vietnamese reader expects (a < ă < â < b … d < đ, the
tones only telling apart names whose letters are the same), which code-point order
does not (it puts "Đ" after "Z").
"""

from __future__ import annotations

import unicodedata

# The Vietnamese alphabet, with the Latin letters it lacks (f, j, w, z) where Latin puts them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Marks that make another letter (ă, â, ê, ô, ơ, ư) as opposed to the tones, which come after.
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# The tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def tidy(text: str) -> str:
    """A name as it is stored: composed (NFC), trimmed, every run of spaces made one."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def sort_key(text: str) -> tuple:
    """The key that sorts names in Vietnamese order: letters first, then tones, then the text itself."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFC", text).lower():
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        marks = decomposed[1:]
        letter = unicodedata.normalize("NFC", base + "".join(mark for mark in marks if mark in LETTER_MARKS))
        rank = LETTER_RANK.get(letter)
        # Spaces, digits and signs before every letter (so "Xã An" < "Xã Anh"), among them by code point.
        letters.append((1, rank) if rank is not None else (0, ord(letter[0])))
        tones.append(max((TONE_RANK.get(mark, 0) for mark in marks), default=0))
    return tuple(letters), tuple(tones), text
