"""Helpers of the lost-and-found tests: registering items without HTTP."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hostdesk import clock
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from hostdesk.lostfound.models import Category, QuestionKind
from hostdesk.lostfound.operations import NewItem, NewQuestion, register_found_item

# The story's bank card: what is on the card itself (only the hashes are stored).
CARD_ANSWERS = {"bank": "ING", "colour": "oranje", "name": "Remco de Waard", "digits": "4821"}


def card_questions() -> list[NewQuestion]:
    return [
        NewQuestion("Which bank?", QuestionKind.TEXT, CARD_ANSWERS["bank"]),
        NewQuestion("Colour of the card", QuestionKind.CHOICE, CARD_ANSWERS["colour"]),
        NewQuestion("Name on the card", QuestionKind.NAME, CARD_ANSWERS["name"]),
        NewQuestion("Last 4 digits", QuestionKind.DIGITS, CARD_ANSWERS["digits"]),
    ]


def right_answers(item) -> dict[int, str]:
    given = {"Which bank?": "ing ", "Colour of the card": "Orange", "Name on the card": "R. de Waard",
             "Last 4 digits": "48 21"}
    return {q.id: given[q.prompt] for q in item.questions}


def wrong_answers(item) -> dict[int, str]:
    return {q.id: "Rabobank" if q.kind is QuestionKind.TEXT else "0000" for q in item.questions}


@pytest.fixture
def people(app_ctx, users):
    return {role: db.session.get(User, users[role]) for role in Role}


@pytest.fixture
def staff(people):
    return people[Role.STAFF]


@pytest.fixture
def manager(people):
    return people[Role.MANAGER]


@pytest.fixture
def make_item(app_ctx, staff):
    def make(category=Category.BANK_CARD, description="bank card", questions=None, actor=None, **extra):
        if questions is None:
            questions = card_questions() if category is Category.BANK_CARD else [
                NewQuestion("Colour", QuestionKind.CHOICE, "zwart"), NewQuestion("Brand", QuestionKind.TEXT, "Knirps")]
        new = NewItem(category=category, description=description, storage_location="office drawer 2",
                      found_at=clock.utcnow() - timedelta(minutes=10), where_found="table 4", questions=questions,
                      **extra)
        return register_found_item(actor or staff, new)

    return make
