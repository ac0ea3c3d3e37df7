"""Registering a found item, the refusals one rule at a time: the messages, the length of each field to
the character, the time found to the moment, which control questions count, card numbers named by the
question that holds them, photos of cards and a description that gives an answer away."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from PIL import Image

from hostdesk import clock
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from hostdesk.lostfound.models import Category, FoundItem, QuestionKind
from hostdesk.lostfound.operations import NewItem, NewQuestion, register_found_item
from hostdesk.settings import update_settings

from .conftest import card_questions

PAN = "4111 1111 1111 1111"  # a Luhn-valid test card number
MICRO = timedelta(microseconds=1)
UMBRELLA_QUESTIONS = [NewQuestion("Colour", QuestionKind.CHOICE, "zwart"),
                      NewQuestion("Brand", QuestionKind.TEXT, "Knirps")]


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (40, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def new_item(category=Category.UMBRELLA, **values) -> NewItem:
    fields = dict(category=category, description="umbrella", storage_location="office drawer 2",
                  found_at=clock.utcnow() - timedelta(minutes=10), where_found="table 4",
                  questions=card_questions() if category is Category.BANK_CARD else list(UMBRELLA_QUESTIONS))
    fields.update(values)
    return NewItem(**fields)


def refusal(actor, new: NewItem) -> str:
    """The English message of the refusal (field labels too are written in the user's language)."""
    with force_locale("en"), pytest.raises(ValidationFailed) as refused:
        register_found_item(actor, new)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FoundItem)) == 0
    with force_locale("en"):
        return str(refused.value.message)


def registered(actor, new: NewItem) -> FoundItem:
    with force_locale("en"):
        item = register_found_item(actor, new)
    item_id = item.id
    db.session.expire_all()
    return db.session.get(FoundItem, item_id)


# --- description, storage place, where found: required, trimmed, limited ---------------------------------

@pytest.mark.parametrize("description", ["", "   "])
def test_a_description_is_required(staff, frozen, description):
    assert refusal(staff, new_item(description=description)) == (
        "Give a short description, for example “black umbrella”.")


@pytest.mark.parametrize("storage", ["", "   "])
def test_a_storage_place_is_required(staff, frozen, storage):
    assert refusal(staff, new_item(storage_location=storage)) == (
        "Say where the item is kept, for example “office drawer 2”.")


@pytest.mark.parametrize(("field", "label", "limit"), [
    ("description", "Description", 200), ("storage_location", "Storage place", 80),
    ("where_found", "Where found", 120)])
def test_each_text_is_limited_to_the_character(staff, frozen, field, label, limit):
    assert refusal(staff, new_item(**{field: "x" * (limit + 1)})) == f"{label} is at most {limit} characters."
    item = registered(staff, new_item(**{field: " " + "x" * limit + " "}))
    assert getattr(item, field) == "x" * limit


@pytest.mark.parametrize(("field", "label"), [
    ("description", "Description"), ("storage_location", "Storage place"), ("where_found", "Where found")])
def test_a_control_character_is_refused_naming_the_field(staff, frozen, field, label):
    assert refusal(staff, new_item(**{field: "drawer\x00 2"})) == (
        f"{label} contains characters that cannot be stored.")


def test_a_question_is_limited_to_200_characters(staff, frozen):
    long = [NewQuestion("q" * 201, QuestionKind.CHOICE, "zwart")]
    assert refusal(staff, new_item(questions=long)) == "Question is at most 200 characters."
    item = registered(staff, new_item(questions=[NewQuestion("q" * 200, QuestionKind.CHOICE, "zwart")]))
    assert [q.prompt for q in item.questions] == ["q" * 200]


def test_a_question_with_a_control_character_is_refused_naming_the_field(staff, frozen):
    questions = [NewQuestion("Colour\x07", QuestionKind.CHOICE, "zwart")]
    assert refusal(staff, new_item(questions=questions)) == "Question contains characters that cannot be stored."


# --- the time found ----------------------------------------------------------------------------------------

FUTURE = "The time found cannot be in the future."
TOO_OLD = "The time found is more than a year ago."


def test_the_time_found_may_be_up_to_five_minutes_ahead_to_the_moment(staff, frozen):
    assert refusal(staff, new_item(found_at=frozen + timedelta(minutes=5) + MICRO)) == FUTURE
    item = registered(staff, new_item(found_at=frozen + timedelta(minutes=5)))
    assert item.found_at == frozen + timedelta(minutes=5)


def test_a_time_found_without_a_zone_is_refused(staff, frozen):
    naive = datetime(2026, 11, 20, 12, 0)  # hours before the frozen moment, but in no zone
    assert refusal(staff, new_item(found_at=naive)) == FUTURE


def test_the_time_found_may_be_up_to_366_days_ago_to_the_moment(staff, frozen):
    assert refusal(staff, new_item(found_at=frozen - timedelta(days=366) - MICRO)) == TOO_OLD
    item = registered(staff, new_item(found_at=frozen - timedelta(days=366)))
    assert item.found_at == frozen - timedelta(days=366)


# --- the control questions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("questions", [
    [],
    [NewQuestion("", QuestionKind.TEXT, "Knirps"), NewQuestion("Brand", QuestionKind.TEXT, "  "),
     NewQuestion(None, QuestionKind.CHOICE, "zwart"), NewQuestion("Colour", QuestionKind.CHOICE, None)],
], ids=["none", "each-half-empty"])
def test_at_least_one_question_with_its_answer(staff, frozen, questions):
    assert refusal(staff, new_item(questions=questions)) == (
        "Fill in at least one control question with its answer from the item.")


def test_a_question_without_its_answer_or_an_answer_without_its_question_is_left_out(staff, frozen):
    questions = [NewQuestion("Brand", QuestionKind.TEXT, ""), NewQuestion(None, QuestionKind.TEXT, "Knirps"),
                 NewQuestion("Colour", QuestionKind.CHOICE, "zwart"), NewQuestion("   ", QuestionKind.TEXT, "Knirps"),
                 NewQuestion("Handle", QuestionKind.TEXT, None)]
    item = registered(staff, new_item(questions=questions))
    assert [(q.prompt, q.kind) for q in item.questions] == [("Colour", QuestionKind.CHOICE)]


def test_a_bank_card_needs_the_configured_number_of_questions(staff, manager, frozen):
    update_settings(manager, bank_card_min_questions=3)
    two = card_questions()[:2]
    assert refusal(staff, new_item(Category.BANK_CARD, description="bank card", questions=two)) == (
        "A bank card needs at least 3 control questions with answers.")
    update_settings(manager, bank_card_min_questions=2)
    item = registered(staff, new_item(Category.BANK_CARD, description="bank card", questions=two))
    assert len(item.questions) == 2


# --- card numbers, named by the question that holds them ---------------------------------------------------

def test_a_card_number_in_a_question_names_that_question(staff, frozen):
    questions = [NewQuestion("Colour", QuestionKind.CHOICE, "zwart"),
                 NewQuestion(f"Sticker {PAN}?", QuestionKind.CHOICE, "rood")]
    assert refusal(staff, new_item(questions=questions)) == (
        "“Question 2” holds what looks like a full card number. Card numbers are never stored: "
        "leave it out (the last 4 digits are enough).")
    questions = [NewQuestion(f"Sticker {PAN}?", QuestionKind.CHOICE, "rood")]
    assert refusal(staff, new_item(questions=questions)).startswith("“Question 1” holds")


@pytest.mark.parametrize("kind", [QuestionKind.TEXT, QuestionKind.NAME])
def test_a_card_number_in_a_written_answer_names_its_question(staff, frozen, kind):
    questions = [NewQuestion("Colour", QuestionKind.CHOICE, "zwart"), NewQuestion("Label", kind, f"Jan {PAN}")]
    assert refusal(staff, new_item(questions=questions)) == (
        "“Answer to question 2” holds what looks like a full card number. Card numbers are never stored: "
        "leave it out (the last 4 digits are enough).")
    questions = [NewQuestion("Label", kind, f"Jan {PAN}")]
    assert refusal(staff, new_item(questions=questions)).startswith("“Answer to question 1” holds")


def test_a_card_items_question_may_hold_no_run_of_twelve_digits(staff, frozen):
    questions = card_questions()
    questions[2] = NewQuestion("Number 1234 5678 9012 on the back?", QuestionKind.NAME, "Remco de Waard")
    assert refusal(staff, new_item(Category.BANK_CARD, description="bank card", questions=questions)) == (
        "“Question 3” holds a run of 12 or more digits. Never write down a card number: "
        "for a bank card keep at most the last 4 digits.")


# --- photos ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("category", "description"), [
    (Category.BANK_CARD, "bank card"), (Category.ID_DOCUMENT, "passport")])
def test_a_card_or_document_takes_no_photo(staff, frozen, category, description):
    questions = None if category is Category.BANK_CARD else [NewQuestion("Surname", QuestionKind.NAME, "R. Jansen")]
    new = new_item(category, description=description, photo=jpeg(), photo_filename="card.jpg",
                   **({} if questions is None else {"questions": questions}))
    assert refusal(staff, new) == (
        "Bank cards and ID documents are registered without a photo: a photo would show "
        "the answers to the control questions.")


def test_a_photo_file_name_without_a_card_number_is_taken(staff, frozen):
    item = registered(staff, new_item(photo=jpeg(), photo_filename="IMG_20261120_1234.jpg"))
    assert item.photo_name


# --- the description may not give an answer away --------------------------------------------------------

def test_a_description_that_gives_an_answer_away_names_the_question(staff, frozen):
    questions = [NewQuestion("Colour", QuestionKind.CHOICE, "zwart"),
                 NewQuestion("Which brand?", QuestionKind.TEXT, "Knirps")]
    assert refusal(staff, new_item(description="Knirps umbrella", questions=questions)) == (
        "The description gives away the answer to “Which brand?”. Describe the item without it, "
        "for example “bank card” or “phone in a case”.")


def test_a_description_gives_an_answer_away_by_its_alias_in_the_items_category(staff, frozen):
    questions = card_questions()  # the bank is ING, and Postbank is ING for a bank card
    assert refusal(staff, new_item(Category.BANK_CARD, description="Postbank card", questions=questions)) == (
        "The description gives away the answer to “Which bank?”. Describe the item without it, "
        "for example “bank card” or “phone in a case”.")
