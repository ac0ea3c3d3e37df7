"""More of the matching rules, each written out by hand: which public descriptions give an answer away,
colours and digits said the way people say them, and the answer aliases (their group's name, their
category, the managers' own groups and when they are read)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hostdesk.auth.models import Role, User
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from hostdesk.lostfound.matching import (
    check_expected,
    gives_away,
    hash_expected,
    matches,
    own_aliases,
    set_answer_aliases,
)
from hostdesk.lostfound.models import AnswerAliasGroup, Category

GIVES_AWAY, KEEPS_IT = True, False

DESCRIPTIONS = [
    # the public description, the question's kind, its expected answer, the item's category, given away?
    # digits: the answer's digits anywhere in one run of digits, whatever separates them
    ("bank card, last digits 48 21", "digits", "4821", "bank_card", GIVES_AWAY),
    ("pasnr4821", "digits", "4821", "bank_card", GIVES_AWAY),
    ("pasnr 4821-99", "digits", "4821", "bank_card", GIVES_AWAY),
    ("found at table 12", "digits", "4821", "bank_card", KEEPS_IT),
    ("48 and 21", "digits", "4821", "bank_card", KEEPS_IT),
    # colours: any word for the same colour, shades and joined words included
    ("een zwarte paraplu", "choice", "zwart", "umbrella", GIVES_AWAY),
    ("black umbrella", "choice", "zwarte", "umbrella", GIVES_AWAY),
    ("paraplu zwart-wit", "choice", "wit", "umbrella", GIVES_AWAY),
    ("donkerblauwe portemonnee", "choice", "navy", "wallet", GIVES_AWAY),
    ("een blauwe pas", "choice", "zwart", "bank_card", KEEPS_IT),
    ("umbrella with a wooden handle", "choice", "zwart", "umbrella", KEEPS_IT),
    # an expected answer that is no colour at all is refused as such later, not as given away here
    ("zwarte paraplu", "choice", "plaid", "umbrella", KEEPS_IT),
    ("zwarte paraplu", "choice", "?!", "umbrella", KEEPS_IT),
    # names: the surname, in one word or two, particles and initials left out
    ("pas van R. de Waard", "name", "Remco de Waard", "bank_card", GIVES_AWAY),
    ("Waard", "name", "R. de Waard", "bank_card", GIVES_AWAY),
    ("tas van M. Smit Jansen", "name", "M. Smit-Jansen", "bag", GIVES_AWAY),
    ("Smit Jansen tas", "name", "M. Smit-Jansen", "bag", GIVES_AWAY),
    ("pas van R. de Vries", "name", "R. de Waard", "bank_card", KEEPS_IT),
    ("tas van M. Smit", "name", "M. Smit-Jansen", "bag", KEEPS_IT),
    ("pas van de bank", "name", "R. de Waard", "bank_card", KEEPS_IT),
    # text: the answer or one of its aliases in its category, as whole words
    ("ING pas", "text", "ING", "bank_card", GIVES_AWAY),
    ("blue bank card ABN AMRO", "text", "ABN AMRO", "bank_card", GIVES_AWAY),
    ("blue bank card ABN AMRO", "text", "ABN AMRO", None, GIVES_AWAY),
    ("Postbank pas", "text", "ING", "bank_card", GIVES_AWAY),
    ("Ray-Ban bril", "text", "rayban", "glasses", GIVES_AWAY),
    ("Postbank pas", "text", "ING", "umbrella", KEEPS_IT),
    ("bank card, orange", "text", "ING", "bank_card", KEEPS_IT),
    ("paraplu van Knirpsen", "text", "Knirps", "umbrella", KEEPS_IT),
    # nothing to give away, or nothing to give it away in
    ("", "text", "ING", "bank_card", KEEPS_IT),
    ("   ", "digits", "4821", "bank_card", KEEPS_IT),
    (None, "text", "ING", "bank_card", KEEPS_IT),
    (None, "choice", "zwart", "umbrella", KEEPS_IT),
    ("ING pas", "text", "", "bank_card", KEEPS_IT),
    ("ING pas", "text", None, "bank_card", KEEPS_IT),
]


@pytest.mark.parametrize("description,kind,answer,category,result", DESCRIPTIONS,
                         ids=[f"{row[1]}|{row[0]}|{row[2]}|{row[3]}" for row in DESCRIPTIONS])
def test_which_descriptions_give_the_answer_away(app_ctx, description, kind, answer, category, result):
    assert gives_away(description, kind, answer, category) is result


ANSWERS = [
    # kind, the answer as registered, what a claimant says, match?
    ("choice", "multi color", "veelkleurig", True),
    ("choice", "multi colour", "bont", True),
    ("choice", "zwart wit", "bont", True),
    ("choice", "blauw en wit", "multicoloured", True),
    ("choice", "zwart-wit", "gestreept", True),
    ("choice", "zwart wit", "zwart", False),
    ("choice", "rood", "lightning", False),
    ("choice", "rood", "Darkred", True),
    # digits: only the digits count, whatever is said around them
    ("digits", "4821", "nr. 4821", True),
    ("digits", "48-21", "eindigt op 4821", True),
    ("digits", "4821", "nr. 4812", False),
]


@pytest.mark.parametrize("kind,expected,given,result", ANSWERS, ids=[f"{row[1]}|{row[2]}" for row in ANSWERS])
def test_colours_and_digits_as_people_say_them(app_ctx, kind, expected, given, result):
    stored = hash_expected(kind, expected)
    assert matches(kind, given, stored.salt, stored.answer_hash, stored.initial_hash) is result


@pytest.mark.parametrize("kind,value,message", [
    ("text", "", "Each question needs an expected answer."),
    ("text", None, "Each question needs an expected answer."),
    ("choice", "lightning", "Choose one of the colours."),
    ("choice", "plaid", "Choose one of the colours."),
])
def test_an_expected_answer_that_cannot_match_is_refused(app_ctx, kind, value, message):
    with force_locale("en"), pytest.raises(ValidationFailed) as refused:
        check_expected(kind, value)
    with force_locale("en"):
        assert str(refused.value.message) == message


def test_an_answer_in_a_group_is_kept_as_the_groups_name(app_ctx, manager):
    """Registered as the group's third answer, the item is still claimed with the group's name once the
    manager has removed the group: the answer was kept as that name."""
    set_answer_aliases(manager, Category.BANK_CARD, "Moneyou, Moneyou Bank, MoneYou NL")
    stored = hash_expected("text", "MoneYou NL", "bank_card")
    set_answer_aliases(manager, Category.BANK_CARD, "")
    assert matches("text", "moneyou", stored.salt, stored.answer_hash, None, "bank_card")
    assert not matches("text", "Moneyou Bank", stored.salt, stored.answer_hash, None, "bank_card")


def test_a_category_without_shipped_groups_matches_the_answer_itself(app_ctx):
    stored = hash_expected("text", "Knirps", "lamp")
    assert matches("text", "KNIRPS", stored.salt, stored.answer_hash, None, "lamp")
    assert not matches("text", "Senz", stored.salt, stored.answer_hash, None, "lamp")


def test_the_managers_groups_are_read_in_the_order_of_their_lines(app_ctx):
    db.session.add(AnswerAliasGroup(category=Category.BANK_CARD, position=1, answers=["Lanschot", "Van Lanschot"]))
    db.session.add(AnswerAliasGroup(category=Category.BANK_CARD, position=0, answers=["Moneyou", "Moneyou Bank"]))
    db.session.add(AnswerAliasGroup(category=Category.UMBRELLA, position=0, answers=["Knirps", "Knirps paraplu"]))
    db.session.flush()
    assert own_aliases("bank_card") == [("Moneyou", "Moneyou Bank"), ("Lanschot", "Van Lanschot")]


def test_the_managers_groups_are_read_once_per_request(app_ctx, manager):
    set_answer_aliases(manager, Category.BANK_CARD, "Moneyou, Moneyou Bank")
    reads = []

    def count(conn, cursor, statement, *args):
        if "lf_answer_aliases" in statement:
            reads.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        stored = hash_expected("text", "Moneyou Bank", "bank_card")
        for said in ("moneyou", "Moneyou Bank", "ING"):
            matches("text", said, stored.salt, stored.answer_hash, None, "bank_card")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(reads) == 1


def test_outside_a_request_the_managers_groups_are_read_each_time(app, users):
    """A job or a command has no request: it sees a group as soon as it is saved."""
    with app.app_context():
        manager = db.session.get(User, users[Role.MANAGER])
        try:
            assert own_aliases("bank_card") == []
            set_answer_aliases(manager, Category.BANK_CARD, "Moneyou, Moneyou Bank")
            assert own_aliases("bank_card") == [("Moneyou", "Moneyou Bank")]
        finally:
            db.session.rollback()


LONG_ANSWERS = [
    # a surname of four words, a text answer of seven: as the claimant would say them, and a description
    # that holds them whole
    ("name", "phone", "Garcia Fuentes Perez Sanchez, M.", "M. García Fuentes Pérez Sánchez",
     "telefoon van García Fuentes Pérez Sánchez"),
    ("text", "phone", "Samsung Galaxy S21 Ultra 5G 256 GB", "samsung galaxy s21 ultra 5g 256gb",
     "Samsung Galaxy S21 Ultra 5G 256 GB in een zwart hoesje"),
]


@pytest.mark.parametrize("kind,category,expected,said,description", LONG_ANSWERS,
                         ids=[row[0] for row in LONG_ANSWERS])
def test_a_long_answer_held_whole_by_the_description_is_given_away(app_ctx, kind, category, expected, said,
                                                                    description):
    stored = hash_expected(kind, expected, category)
    assert matches(kind, said, stored.salt, stored.answer_hash, stored.initial_hash, category)
    assert gives_away(description, kind, expected, category) is GIVES_AWAY
    assert gives_away(description.replace("Pérez", "Perea").replace("Ultra", "Plus"), kind, expected,
                      category) is KEEPS_IT
