"""The one card-number rule: a Luhn-valid run of 13 to 19 digits, whatever stands between its digits.

Any character that is neither a letter nor a digit (spaces, tabs, new lines, dashes of every kind,
underscores, commas, colons, asterisks, zero-width spaces...) is a separator and is removed; a letter
ends the run. Phone fields' valid phone numbers are exempted by the caller (security.phone_number).
"""
from __future__ import annotations

import unicodedata

CARD_LENGTHS = range(13, 20)


def luhn_valid(digits: str | list[int]) -> bool:
    total = 0
    for index, n in enumerate(map(int, reversed(digits))):
        total += (n * 2 - 9 if n > 4 else n * 2) if index % 2 else n
    return total % 10 == 0


def digit_runs(value: str | None) -> list[list[str]]:
    """The runs of digits in `value`, each as its groups: separators split groups, letters split runs."""
    runs: list[list[str]] = []
    groups: list[str] = []
    current: list[str] = []
    for ch in unicodedata.normalize("NFKC", value or ""):
        digit = unicodedata.decimal(ch, None)
        if digit is not None:
            current.append(str(digit))
            continue
        if current:
            groups.append("".join(current))
            current = []
        if unicodedata.category(ch)[0] in "LN" and groups:  # a letter (or another kind of number) ends the run
            runs.append(groups)
            groups = []
    if current:
        groups.append("".join(current))
    if groups:
        runs.append(groups)
    return runs


def longest_digit_run(value: str | None) -> int:
    """How many digits the longest run holds once its separators are removed."""
    return max((sum(map(len, run)) for run in digit_runs(value)), default=0)


def _candidates(run: list[str]):
    """Every stretch of whole groups of card length, and every window inside a group longer than a card."""
    for start in range(len(run)):
        joined = ""
        for group in run[start:]:
            joined += group
            if len(joined) > CARD_LENGTHS.stop - 1:
                break
            if len(joined) in CARD_LENGTHS:
                yield joined
        group = run[start]
        if len(group) >= CARD_LENGTHS.stop:
            for length in CARD_LENGTHS:
                for offset in range(len(group) - length + 1):
                    yield group[offset:offset + length]


def holds_card_number(value: str | None) -> bool:
    """Does `value` hold a Luhn-valid number of 13 to 19 digits, however its digits are separated?"""
    return any(luhn_valid(candidate) for run in digit_runs(value) for candidate in _candidates(run))
