"""Demo data of lost-and-found; `seed()` adds only what is missing and returns counts.

The story: at lunch today a bank card was found at table 12. To play it through, the
answers are on the card itself (the database holds only hashes), so here they are:
bank "ING", colour orange, name on the card "R. de Waard", last 4 digits "4821".
The phone in progress was verified already; its answers: Fairphone 4, green, Remco's cat.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from .. import clock
from ..auth.models import User
from ..extensions import db
from ..settings import get_settings
from .models import ActionKind, Category, Channel, FoundItem, LostReport, QuestionKind
from .operations import NewItem, NewQuestion

CARD = "bank card"
PHONE = "phone in a green case"
UMBRELLA = "black umbrella with a wooden handle"
PASSPORT = "passport"


def _at_local(days_ago: int, hour: int, minute: int) -> datetime:
    settings = get_settings()
    today = clock.utcnow().astimezone(settings.zone).date() - timedelta(days=days_ago)
    moment = datetime.combine(today, time(hour, minute), tzinfo=settings.zone)
    return min(moment, clock.utcnow() - timedelta(minutes=5))


def _exists(description: str) -> bool:
    return db.session.scalar(sa.select(FoundItem.id).where(FoundItem.description == description)) is not None


def seed() -> dict[str, int]:
    from . import operations as ops

    staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
    added = {"found items": 0, "lost reports": 0}
    if not _exists(CARD):
        ops.register_found_item(staff, NewItem(
            Category.BANK_CARD, CARD, "safe in the office", _at_local(0, 12, 40), where_found="table 12",
            questions=[NewQuestion("Which bank?", QuestionKind.TEXT, "ING"),
                       NewQuestion("Colour of the card", QuestionKind.CHOICE, "orange"),
                       NewQuestion("Name on the card", QuestionKind.NAME, "R. de Waard"),
                       NewQuestion("Last 4 digits of the card number", QuestionKind.DIGITS, "4821")]))
        added["found items"] += 1
    if not _exists(PHONE):
        phone = ops.register_found_item(staff, NewItem(
            Category.PHONE, PHONE, "office drawer 2", _at_local(1, 21, 15), where_found="terrace",
            questions=[NewQuestion("Make and model", QuestionKind.TEXT, "Fairphone 4"),
                       NewQuestion("Colour of the case", QuestionKind.CHOICE, "green"),
                       NewQuestion("Picture on the lock screen", QuestionKind.TEXT, "a cat")]))
        db.session.flush()
        answers = {q.id: a for q, a in zip(phone.questions, ["fairphone 4", "groen", "A cat"], strict=True)}
        ops.verify_claim(staff, phone, claimant_name="Sophie Jansen", channel=Channel.PHONE, answers=answers)
        ops.choose_post(staff, phone, postal_address="Kerkstraat 5\n3512 AB Utrecht", email="sophie@example.org",
                        language="en", phone="06 2345 6789")
        ops.add_action_point(staff, ActionKind.CALLBACK, item=phone, due_at=clock.utcnow() + timedelta(hours=2),
                             owner=staff, note="Call back after the lunch rush: confirm the address")
        added["found items"] += 1
    if not _exists(UMBRELLA):
        ops.register_found_item(staff, NewItem(
            Category.UMBRELLA, UMBRELLA, "coat rack", _at_local(3, 19, 30), where_found="entrance",
            questions=[NewQuestion("Colour", QuestionKind.CHOICE, "black"),
                       NewQuestion("Brand or print", QuestionKind.TEXT, "Knirps")]))
        added["found items"] += 1
    if not _exists(PASSPORT):
        ops.register_found_item(staff, NewItem(
            Category.ID_DOCUMENT, PASSPORT, "safe in the office", _at_local(9, 20, 0), where_found="table 3",
            questions=[NewQuestion("Kind of document", QuestionKind.TEXT, "passport"),
                       NewQuestion("Name on the document", QuestionKind.NAME, "Anna Smit")]))
        added["found items"] += 1
    if db.session.scalar(sa.select(LostReport.id).where(LostReport.what == "blue woollen scarf")) is None:
        ops.report_lost(staff, category=Category.CLOTHING, what="blue woollen scarf",
                        lost_on=_at_local(1, 20, 0).astimezone(get_settings().zone).date(), where="terrace",
                        name="Els Visser", phone="06 3456 7890", language="nl")
        added["lost reports"] += 1
    db.session.flush()
    return added
