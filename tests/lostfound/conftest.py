"""Helpers of the lost-and-found tests: registering items without HTTP."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g

from hostdesk import clock
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.models import Category, Channel, QuestionKind
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


def fail_under_the_old_limit(app, item, actor_id: int, manager_id: int, new_limit: int) -> None:
    """One failed attempt counted under the limit its tablet read, while a manager lowers the limit
    in between (PostgreSQL's READ COMMITTED allows this): the item may stand at the new limit, unlocked."""
    from hostdesk.settings import get_settings, update_settings

    get_settings()  # the tablet's request reads the limit first
    db.session.commit()
    with app.app_context():  # the manager's request, a session of its own
        update_settings(db.session.get(User, manager_id), claim_lock_after_failures=new_limit)
        db.session.commit()
    ops.verify_claim(db.session.get(User, actor_id), item, claimant_name="Guesser", channel=Channel.PHONE,
                     answers=wrong_answers(item))
    db.session.commit()
    g.pop("hostdesk_settings")  # the next request reads the settings again


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
