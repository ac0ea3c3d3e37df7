"""What a new password or PIN may be: not a common password, not an easy PIN, no PIN two people share.

The common passwords are zxcvbn's list (the package's `passwords` frequency list: the 30,000 most
frequent passwords of Mark Burnett's leaked-password corpus, shipped as data with the package).
"""
from __future__ import annotations

import functools

from zxcvbn.frequency_lists import FREQUENCY_LISTS


@functools.cache
def _common() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """On the list, compared without case, also with digits or a "!" at the end left off."""
    lowered = (password or "").lower()
    return lowered in _common() or lowered.rstrip("0123456789!") in _common()


def is_weak_pin(pin: str) -> bool:
    """Easy to guess: one digit repeated (0000), a run up or down (1234, 9876), a year (1900-2099)
    or a short pattern repeated (1212, 123123)."""
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    if len(steps) == 1 and steps <= {-1, 0, 1}:
        return True
    if len(pin) == 4 and 1900 <= int(pin) <= 2099:
        return True
    return any(len(pin) % size == 0 and pin == pin[:size] * (len(pin) // size) for size in range(1, len(pin) // 2 + 1))
