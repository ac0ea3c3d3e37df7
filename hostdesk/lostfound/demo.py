"""Demo data of lost-and-found; `seed()` adds only what is missing and returns counts.

The story: at lunch today a bank card was found at table 12. To play it through, the
answers are on the card itself (the database holds only hashes), so here they are:
bank "ING", colour orange, name on the card "R. de Waard", last 4 digits "4821".
The phone in progress was verified already; its answers: Fairphone 4, groen (green), een kat.
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

CARD = "bankpas"
PHONE = "telefoon in een hoesje"
UMBRELLA = "paraplu met houten handvat"
PASSPORT = "reisdocument in een etui"


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
            Category.BANK_CARD, CARD, "kluis op kantoor", _at_local(0, 12, 40), where_found="tafel 12",
            questions=[NewQuestion("Welke bank?", QuestionKind.TEXT, "ING"),
                       NewQuestion("Kleur van de pas", QuestionKind.CHOICE, "orange"),
                       NewQuestion("Naam op de pas", QuestionKind.NAME, "R. de Waard"),
                       NewQuestion("Laatste 4 cijfers van het pasnummer", QuestionKind.DIGITS, "4821")]))
        added["found items"] += 1
    if not _exists(PHONE):
        phone = ops.register_found_item(staff, NewItem(
            Category.PHONE, PHONE, "bureaulade 2", _at_local(1, 21, 15), where_found="terras",
            questions=[NewQuestion("Merk en model", QuestionKind.TEXT, "Fairphone 4"),
                       NewQuestion("Kleur van het hoesje", QuestionKind.CHOICE, "green"),
                       NewQuestion("Afbeelding op het vergrendelscherm", QuestionKind.TEXT, "een kat")]))
        db.session.flush()
        answers = {q.id: a for q, a in zip(phone.questions, ["fairphone 4", "groen", "Een kat"], strict=True)}
        ops.verify_claim(staff, phone, claimant_name="Sophie Jansen", channel=Channel.PHONE, answers=answers)
        ops.choose_post(staff, phone, postal_address="Kerkstraat 5\n3512 AB Utrecht", email="sophie@example.org",
                        language="en", phone="06 2345 6789")
        ops.add_action_point(staff, ActionKind.CALLBACK, item=phone, due_at=clock.utcnow() + timedelta(hours=2),
                             owner=staff, note="Terugbellen na de lunchdrukte: adres bevestigen")
        added["found items"] += 1
    if not _exists(UMBRELLA):
        ops.register_found_item(staff, NewItem(
            Category.UMBRELLA, UMBRELLA, "kapstok", _at_local(3, 19, 30), where_found="ingang",
            questions=[NewQuestion("Kleur", QuestionKind.CHOICE, "black"),
                       NewQuestion("Merk of print", QuestionKind.TEXT, "Knirps")]))
        added["found items"] += 1
    if not _exists(PASSPORT):
        ops.register_found_item(staff, NewItem(
            Category.ID_DOCUMENT, PASSPORT, "kluis op kantoor", _at_local(9, 20, 0), where_found="tafel 3",
            questions=[NewQuestion("Soort document", QuestionKind.TEXT, "paspoort"),
                       NewQuestion("Naam op het document", QuestionKind.NAME, "Anna Smit")]))
        added["found items"] += 1
    if db.session.scalar(sa.select(LostReport.id).where(LostReport.what == "blauwe wollen sjaal")) is None:
        ops.report_lost(staff, category=Category.CLOTHING, what="blauwe wollen sjaal",
                        lost_on=_at_local(1, 20, 0).astimezone(get_settings().zone).date(), where="terras",
                        name="Els Visser", phone="06 3456 7890", language="nl")
        added["lost reports"] += 1
    db.session.flush()
    return added
