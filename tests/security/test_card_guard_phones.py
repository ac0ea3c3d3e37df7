"""The card-number guard (security.py) and phone numbers: a phone field's valid number, written with
00 and the country code, is 13 digits and Luhn-valid one time in ten; it is a phone number, not a card
number. A card number typed into a phone field, or such a number in any other field, is still refused."""
from __future__ import annotations

import random

import phonenumbers
import pytest

from hostdesk.errors import ValidationFailed
from hostdesk.security import holds_card_number, phone_number, refuse_unsafe_input

# A Dutch mobile number with the international prefix whose 13 digits pass the Luhn check.
PHONE = next(f"0031 6 1234 5{n:03d}" for n in range(1000) if holds_card_number(f"0031612345{n:03d}"))


def _guard(app, data: dict) -> None:
    with app.test_request_context("/host/bookings/new", method="POST", data=data):
        refuse_unsafe_input()


def test_the_number_is_a_valid_phone_number_that_looks_like_a_card_number():
    assert holds_card_number(PHONE) and phonenumbers.is_valid_number(phonenumbers.parse(PHONE, "NL"))


@pytest.mark.parametrize("key", ["phone", "pickup-phone", "post-phone"])
def test_a_valid_phone_number_passes_in_a_phone_field(app, key):
    _guard(app, {key: PHONE})
    _guard(app, {key: "+" + PHONE.removeprefix("00")})


@pytest.mark.parametrize("data", [
    {"phone": "4111 1111 1111 1111"},  # a card number in the phone field
    {"phone": "0000 0000 0000 0"},  # starts like a phone number, is no valid one, and passes the Luhn check
    {"note": PHONE},  # the same digits where a phone number does not belong
    {"phone": [PHONE, "4111111111111111"]},  # every value of the field must be a phone number
])
def test_card_numbers_are_still_refused(app, data):
    with pytest.raises(ValidationFailed):
        _guard(app, data)


def test_no_luhn_valid_run_typed_as_is_passes_as_a_phone_number():
    """What the exemption rests on: a card number typed as it is (no 0 or + in front) is never a
    valid phone number, so a careless entry in a phone field is still refused."""
    rng = random.Random(7)
    found = 0
    while found < 3000:
        digits = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(rng.randint(12, 18)))
        if holds_card_number(digits) and len(digits) >= 13:
            found += 1
            assert not phone_number("phone", digits), digits
