"""The card-number rule (hostdesk/cards.py) on its own: the payment networks' published test numbers in
the ways people write them, the Luhn check digit by digit, and the digit runs a value is split into."""
from __future__ import annotations

import pytest

from hostdesk.cards import digit_runs, holds_card_number, longest_digit_run, luhn_valid

# Published test numbers: Visa (16 and 13 digits), Mastercard, American Express (15), Diners (14), Maestro (19).
TEST_NUMBERS = ["4111111111111111", "4222222222222", "5555555555554444", "378282246310005", "30569309025904",
                "6759649826438453", "4000000000000000006"]


@pytest.mark.parametrize("written", [
    "5555 5555 5555 4444",
    "3782 822463 10005",
    "4222 2222 2222 2",
    "4111-1111-1111-1111",
    "card: 4111\u00a01111\u20131111\u200b1111, thanks",
    "3056 9309 0259 04",
    "4000 0000 0000 0000 006",
    "\uff15\uff15\uff15\uff15 5555 5555 4444",  # full-width digits
])
def test_known_test_numbers_are_found_however_they_are_written(written):
    assert holds_card_number(written)


@pytest.mark.parametrize("number", TEST_NUMBERS)
def test_every_test_number_passes_the_luhn_check(number):
    assert luhn_valid(number)


@pytest.mark.parametrize("number", TEST_NUMBERS)
def test_any_one_digit_changed_fails_the_luhn_check(number):
    for position in range(len(number)):
        for digit in "0123456789":
            if digit != number[position]:
                changed = number[:position] + digit + number[position + 1:]
                assert not luhn_valid(changed), changed
                assert not holds_card_number(changed), changed


def test_luhn_doubles_every_second_digit_from_the_right():
    # Doubling 5..9 gives two digits, summed (5 -> 1, 9 -> 9); 0..4 stay doubled.
    assert [luhn_valid(f"{d}{check}") for d, check in
            [("0", 0), ("1", 8), ("2", 6), ("3", 4), ("4", 2), ("5", 9), ("6", 7), ("7", 5), ("8", 3), ("9", 1)]] \
        == [True] * 10
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert luhn_valid([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3])  # a list of digits is checked the same
    assert not luhn_valid("1") and luhn_valid("0") and luhn_valid("18") and not luhn_valid("81")


@pytest.mark.parametrize("value", [
    "4111 1111 1111 111",  # 15 digits: a Visa number one short
    "4111 1111 1111 1112",  # the check digit off by one
    "reservation 12, table 4, 2 guests",
    "0612345678",  # a mobile number
    "4111 1111 X 1111 1111",  # a letter ends the run: two short numbers
    "",
    None,
])
def test_values_without_a_card_number_pass(value):
    assert not holds_card_number(value)


def test_thirteen_to_nineteen_digits_only():
    thirteen = "4222222222222"
    assert holds_card_number(thirteen)
    twelve = next(f"4{n:011d}" for n in range(100) if luhn_valid(f"4{n:011d}"))
    assert not holds_card_number(twelve)
    assert holds_card_number("4000000000000000006")  # nineteen


def test_a_card_number_inside_a_longer_run_of_digits_is_found():
    assert holds_card_number("99" + "5555555555554444" + "77")
    assert holds_card_number("ref 12 5555 5555 5555 4444")


def test_digit_runs_split_groups_at_separators_and_runs_at_letters():
    assert digit_runs("12 34-56 ab 78") == [["12", "34", "56"], ["78"]]
    assert digit_runs("Tel. 06 123") == [["06", "123"]]
    assert digit_runs(None) == [] and digit_runs("no digits") == []
    assert longest_digit_run("12 34 5 x 123456") == 6
    assert longest_digit_run("") == 0


def test_a_card_number_at_the_very_end_of_a_longer_group_is_found():
    # Twenty digits in one group: only the windows that end on the last digit hold a Luhn-valid number.
    assert holds_card_number("35429854222222222222")  # ...4222 2222 2222 2 at the end
    assert holds_card_number("87991378282246310005")  # ...3782 822463 10005 at the end


def test_a_long_group_without_a_card_number_passes():
    # No window of 13 to 19 of these 22 digits passes the Luhn check (shorter pieces of it do: "0" does).
    assert not holds_card_number("0602085063518173372351")
    assert luhn_valid("0")
