"""Default verification questions per category: built in, and editable by managers."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..errors import ValidationFailed
from ..extensions import db
from .models import Category, DefaultQuestion, QuestionKind


@dataclass(frozen=True)
class QuestionTemplate:
    prompt: str
    kind: QuestionKind
    required: bool = True


def _builtin() -> dict[Category, list[tuple[object, QuestionKind]]]:
    text, choice, digits, name = QuestionKind.TEXT, QuestionKind.CHOICE, QuestionKind.DIGITS, QuestionKind.NAME
    return {
        Category.BANK_CARD: [(_l("Which bank?"), text), (_l("Colour of the card"), choice),
                             (_l("Name on the card"), name), (_l("Last 4 digits of the card number"), digits)],
        Category.ID_DOCUMENT: [(_l("Kind of document"), text), (_l("Name on the document"), name),
                               (_l("Nationality"), text)],
        Category.PHONE: [(_l("Make and model"), text), (_l("Colour of the case"), choice),
                         (_l("Picture on the lock screen"), text)],
        Category.KEYS: [(_l("Keyring or tag"), text), (_l("How many keys?"), text)],
        Category.WALLET: [(_l("Colour"), choice), (_l("Brand"), text), (_l("Name on a card inside"), name)],
        Category.BAG: [(_l("Colour"), choice), (_l("Brand"), text), (_l("One thing inside"), text)],
        Category.CLOTHING: [(_l("Colour"), choice), (_l("Brand"), text), (_l("Size"), text)],
        Category.JEWELLERY: [(_l("Metal or colour"), choice), (_l("Describe the piece"), text)],
        Category.GLASSES: [(_l("Colour of the frame"), choice), (_l("Brand"), text), (_l("Case"), text)],
        Category.UMBRELLA: [(_l("Colour"), choice), (_l("Brand or print"), text)],
        Category.OTHER: [(_l("Colour"), choice), (_l("A detail only the owner knows"), text)],
    }


def default_questions(category: Category) -> list[QuestionTemplate]:
    """The manager's set for the category if there is one, else the built-in set."""
    rows = list(db.session.scalars(
        sa.select(DefaultQuestion).where(DefaultQuestion.category == category).order_by(DefaultQuestion.position)))
    if rows:
        return [QuestionTemplate(r.prompt, r.kind, r.required) for r in rows]
    return [QuestionTemplate(str(prompt), kind) for prompt, kind in _builtin()[category]]


def set_default_questions(actor, category: Category, questions: list[QuestionTemplate]) -> None:
    """Replace the category's default set (manager only; the view's route is managers-only)."""
    from .matching import refuse_card_numbers

    cleaned = [QuestionTemplate(q.prompt.strip(), QuestionKind(q.kind), q.required)
               for q in questions if q.prompt.strip()]
    if not cleaned:
        raise ValidationFailed(_l("Keep at least one question."))
    if any(len(q.prompt) > 200 for q in cleaned):
        raise ValidationFailed(_l("A question is at most 200 characters."))
    refuse_card_numbers(category is Category.BANK_CARD, {_("Question"): " ".join(q.prompt for q in cleaned)})
    db.session.execute(sa.delete(DefaultQuestion).where(DefaultQuestion.category == category))
    for position, q in enumerate(cleaned):
        db.session.add(DefaultQuestion(category=category, position=position, prompt=q.prompt, kind=q.kind,
                                       required=q.required))
    db.session.flush()
    record(actor, "lostfound.default_questions", None, category=category,
           questions=[f"{q.kind.value}: {q.prompt}" for q in cleaned])
