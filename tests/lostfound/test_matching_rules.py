"""A manager's own answer aliases: which lines are taken, which are refused and why, what is stored and
audited. Each row of the tables below is one text as typed on the aliases page."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from hostdesk.audit import AuditEntry
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from hostdesk.lostfound.matching import hash_expected, matches, own_aliases, set_answer_aliases
from hostdesk.lostfound.models import AnswerAliasGroup, Category

TWO_ANSWERS = "Each line needs at least two answers that mean the same, separated by commas: “{}”."
AT_MOST_60 = "An answer is at most 60 characters and holds letters or digits: “{}”."
CARD_NUMBER = ("“Answer aliases” holds what looks like a full card number. Card numbers are never stored: "
               "leave it out (the last 4 digits are enough).")
AT_MOST_200 = "At most 200 lines per category."

ACCEPTED = [
    # text typed, the groups stored
    ("Moneyou, Moneyou Bank", [["Moneyou", "Moneyou Bank"]]),
    ("  Moneyou ,  Moneyou   Bank  ,, \n", [["Moneyou", "Moneyou Bank"]]),
    ("Moneyou, MoneYou NL, Moneyou Bank", [["Moneyou", "MoneYou NL", "Moneyou Bank"]]),
    ("Moneyou, Moneyou Bank\n\n , \nLanschot, Van Lanschot",
     [["Moneyou", "Moneyou Bank"], ["Lanschot", "Van Lanschot"]]),
    ("", []),
    ("\n \n,\n", []),
    ("O" * 60 + ", Moneyou", [["O" * 60, "Moneyou"]]),
    # a long run of digits is no card number: only a card or ID item refuses those in its own fields
    ("Pas 123456789012, Pasnummer 123456789012", [["Pas 123456789012", "Pasnummer 123456789012"]]),
]

REFUSED = [
    # text typed, the refusal
    ("Moneyou", TWO_ANSWERS.format("Moneyou")),
    ("Moneyou, Moneyou Bank\nMoneyou NL", TWO_ANSWERS.format("Moneyou NL")),
    ("  " + "M" * 70 + " ,  ", TWO_ANSWERS.format("M" * 60)),
    ("O" * 61 + ", Moneyou", AT_MOST_60.format("O" * 60)),
    ("Moneyou, " + "O" * 61, AT_MOST_60.format("Moneyou, " + "O" * 51)),
    ("ING, ---", AT_MOST_60.format("ING, ---")),
    ("Visa, 4111 1111 1111 1111", CARD_NUMBER),
    ("\n".join(f"Bank {n}, Bank nummer {n}" for n in range(201)), AT_MOST_200),
]
ACCEPTED_IDS = ["two-answers", "spaces-and-empty-answers", "three-answers", "a-blank-line-between", "empty",
                "blank-lines-only", "an-answer-of-60", "twelve-digits"]
REFUSED_IDS = ["one-answer", "one-answer-on-a-later-line", "one-long-answer-cut-at-60", "an-answer-of-61-first",
               "an-answer-of-61-last", "no-letter-or-digit", "a-card-number", "201-lines"]


def stored(category: Category) -> list[AnswerAliasGroup]:
    return list(db.session.scalars(sa.select(AnswerAliasGroup).where(AnswerAliasGroup.category == category)
                                   .order_by(AnswerAliasGroup.id)))


def audited() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "lostfound.answer_aliases")
                                   .order_by(AuditEntry.id)))


@pytest.mark.parametrize("text,groups", ACCEPTED, ids=ACCEPTED_IDS)
def test_accepted_lines(app_ctx, manager, text, groups):
    assert set_answer_aliases(manager, Category.BANK_CARD, text) == groups
    assert [row.answers for row in stored(Category.BANK_CARD)] == groups


@pytest.mark.parametrize("text,message", REFUSED, ids=REFUSED_IDS)
def test_refused_lines_say_why_and_keep_the_groups(app_ctx, manager, text, message):
    set_answer_aliases(manager, Category.BANK_CARD, "Knab, Knab NL")
    with force_locale("en"), pytest.raises(ValidationFailed) as refused:
        set_answer_aliases(manager, Category.BANK_CARD, text)
    with force_locale("en"):
        assert str(refused.value.message) == message
    assert [row.answers for row in stored(Category.BANK_CARD)] == [["Knab", "Knab NL"]]
    assert len(audited()) == 1


def test_two_hundred_lines_are_taken(app_ctx, manager):
    text = "\n".join(f"Bank {n}, Bank nummer {n}" for n in range(200))
    assert len(set_answer_aliases(manager, Category.BANK_CARD, text)) == 200
    assert len(stored(Category.BANK_CARD)) == 200


def test_the_groups_replace_only_their_own_categorys_and_keep_the_order_of_the_lines(app_ctx, manager):
    set_answer_aliases(manager, Category.UMBRELLA, "Knirps, Knirps paraplu")
    set_answer_aliases(manager, Category.BANK_CARD, "Knab, Knab NL")
    set_answer_aliases(manager, Category.BANK_CARD, "Moneyou, Moneyou Bank\nLanschot, Van Lanschot\nBux, Bux NL")
    rows = stored(Category.BANK_CARD)
    assert [row.answers for row in rows] == [
        ["Moneyou", "Moneyou Bank"], ["Lanschot", "Van Lanschot"], ["Bux", "Bux NL"]]
    assert [row.position for row in rows] == [0, 1, 2]
    assert [row.answers for row in stored(Category.UMBRELLA)] == [["Knirps", "Knirps paraplu"]]


def test_clearing_the_text_removes_the_categorys_own_groups(app_ctx, manager):
    set_answer_aliases(manager, Category.BANK_CARD, "Moneyou, Moneyou Bank")
    assert set_answer_aliases(manager, Category.BANK_CARD, "") == []
    assert stored(Category.BANK_CARD) == []
    assert audited()[-1].changes == {"category": "bank_card", "groups": []}


def test_the_same_request_sees_the_new_groups(app_ctx, manager):
    assert own_aliases("bank_card") == []
    set_answer_aliases(manager, Category.BANK_CARD, "Moneyou, Moneyou Bank")
    assert own_aliases("bank_card") == [("Moneyou", "Moneyou Bank")]
    answer = hash_expected("text", "Moneyou Bank", "bank_card")
    assert matches("text", "moneyou", answer.salt, answer.answer_hash, None, "bank_card")


def test_saving_is_audited_with_the_manager_the_category_and_each_line(app_ctx, manager):
    set_answer_aliases(manager, Category.BANK_CARD, "Moneyou,Moneyou  Bank\n Lanschot , Van Lanschot ")
    [entry] = audited()
    assert (entry.actor_id, entry.subject_type, entry.subject_id) == (manager.id, "", None)
    assert entry.changes == {"category": "bank_card", "groups": ["Moneyou, Moneyou Bank", "Lanschot, Van Lanschot"]}
