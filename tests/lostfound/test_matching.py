"""The matching rules of each question kind, and the card-number guard."""
import pytest

from hostdesk.cards import holds_card_number, luhn_valid
from hostdesk.errors import ValidationFailed
from hostdesk.lostfound.matching import (
    check_expected,
    hash_expected,
    matches,
    refuse_card_numbers,
    split_name,
)


def check(kind, expected, given):
    stored = hash_expected(kind, expected)
    return matches(kind, given, stored.salt, stored.answer_hash, stored.initial_hash)


@pytest.mark.parametrize("kind,expected,given,result", [
    ("text", "jan de vries", " Jan  de Vries ", True),
    ("text", "Jan de Vries", "JAN-DE-VRIES!", True),
    ("text", "Crédit Agricole", "credit agricole", True),
    ("text", "ING", "Rabobank", False),
    ("text", "Jan de Vries", "Jan de Vries jr", False),
    ("choice", "black", "ZWART", True),
    ("choice", "zwart", "Black", True),
    ("choice", "oranje", "orange", True),
    ("choice", "grey", "gray", True),
    ("choice", "black", "blauw", False),
    ("digits", "1234", "12 34", True),
    ("digits", "1234", "1234", True),
    ("digits", "1234", "1235", False),
    ("digits", "1234", "", False),
    ("name", "Remco de Waard", "R. de Waard", True),
    ("name", "Remco de Waard", "remco de waard", True),
    ("name", "R. de Waard", "Remco de Waard", True),
    ("name", "Remco de Waard", "de Waard, R.", True),
    ("name", "Remco de Waard", "Remco Waard", True),
    ("name", "Remco de Waard", "P. de Waard", False),
    ("name", "Remco de Waard", "de Waard", False),
    ("name", "Remco de Waard", "R. de Vries", False),
    ("name", "José Núñez", "j nunez", True),
])
def test_matching_rules(app_ctx, kind, expected, given, result):
    assert check(kind, expected, given) is result


def test_same_answer_gets_a_different_hash_each_time(app_ctx):
    first, second = hash_expected("text", "ING"), hash_expected("text", "ING")
    assert first.salt != second.salt and first.answer_hash != second.answer_hash
    assert all(c in "0123456789abcdef" for c in first.answer_hash)


def test_name_is_hashed_as_surname_and_initial_apart(app_ctx):
    stored = hash_expected("name", "Remco de Waard")
    assert stored.initial_hash and stored.initial_hash != stored.answer_hash
    assert split_name("Remco de Waard") == split_name("R. de Waard")


def test_hash_depends_on_the_answers_key_not_the_session_key(app, app_ctx):
    stored = hash_expected("digits", "4821")
    app.config["SECRET_KEY"] = "another"
    try:
        assert matches("digits", "4821", stored.salt, stored.answer_hash)
    finally:
        app.config["SECRET_KEY"] = "test-secret"
    key = app.config["HOSTDESK_ANSWERS_KEY"]
    app.config["HOSTDESK_ANSWERS_KEY"] = "another"
    try:
        assert not matches("digits", "4821", stored.salt, stored.answer_hash)
    finally:
        app.config["HOSTDESK_ANSWERS_KEY"] = key


@pytest.mark.parametrize("kind,value", [("digits", "123"), ("digits", "12345"), ("digits", "12a4"), ("digits", ""),
                                        ("choice", "plaid"), ("name", "..."), ("text", "  ?! ")])
def test_unusable_expected_answers_are_refused(app_ctx, kind, value):
    with pytest.raises(ValidationFailed):
        check_expected(kind, value)


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert holds_card_number("card 4111-1111-1111-1111 found")
    assert not holds_card_number("table 12, 4 guests")


@pytest.mark.parametrize("value", ["4111111111111111", "4111 1111 1111 1111", "nr 123456789012"])
def test_card_items_refuse_long_digit_runs(app_ctx, value):
    with pytest.raises(ValidationFailed) as refused:
        refuse_card_numbers(True, {"Description": value})
    assert "Description" in str(refused.value.message)


def test_other_items_refuse_only_luhn_valid_numbers(app_ctx):
    refuse_card_numbers(False, {"Description": "ticket 123456789012"})
    with pytest.raises(ValidationFailed):
        refuse_card_numbers(False, {"Description": "4111 1111 1111 1111"})
