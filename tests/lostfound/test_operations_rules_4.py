"""Registering a found item, what is kept: the stored item and its questions, the audit entry, the
reference's year in the restaurant's zone, the words lost reports are matched on, the floor table
"where found" names, the guest's report it answers, and answers hashed as their alias group's name."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from PIL import Image

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound import queries
from hostdesk.lostfound.matching import set_answer_aliases
from hostdesk.lostfound.models import (
    AttemptOutcome,
    Category,
    Channel,
    FoundItem,
    ItemState,
    LostReport,
    QuestionKind,
    ReportState,
)
from hostdesk.lostfound.operations import NewItem, NewQuestion, register_found_item

from .conftest import right_answers


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (40, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def reloaded(item: FoundItem) -> FoundItem:
    item_id = item.id
    db.session.expire_all()
    return db.session.get(FoundItem, item_id)


def umbrella(staff, where="table 4", description="umbrella", questions=None, **extra) -> FoundItem:
    questions = questions or [NewQuestion("Colour", QuestionKind.CHOICE, "zwart"),
                              NewQuestion("Brand", QuestionKind.TEXT, "Knirps")]
    return register_found_item(staff, NewItem(
        category=Category.UMBRELLA, description=description, storage_location="office drawer 2",
        found_at=clock.utcnow() - timedelta(minutes=10), where_found=where, questions=questions, **extra))


# --- the stored item and its questions -----------------------------------------------------------------------

def test_the_item_is_stored_in_storage_as_given(staff, frozen):
    item = reloaded(umbrella(staff, where=" by the window ", photo=jpeg(), photo_filename="umbrella.jpg"))
    assert (item.category, item.description, item.storage_location, item.where_found) == (
        Category.UMBRELLA, "umbrella", "office drawer 2", "by the window")
    assert (item.state, item.registered_at, item.found_at, item.found_by_id) == (
        ItemState.IN_STORAGE, frozen, frozen - timedelta(minutes=10), staff.id)
    assert item.photo_name and item.closed_at is None


def test_the_questions_are_kept_in_their_order_with_whether_each_is_required(staff, frozen):
    questions = [NewQuestion("Colour", QuestionKind.CHOICE, "zwart"),
                 NewQuestion("Brand", QuestionKind.TEXT, "Knirps", required=False),
                 NewQuestion("Owner's name on the strap", QuestionKind.NAME, "J. Visser")]
    item = reloaded(umbrella(staff, questions=questions))
    assert [(q.position, q.prompt, q.kind, q.required) for q in item.questions] == [
        (0, "Colour", QuestionKind.CHOICE, True), (1, "Brand", QuestionKind.TEXT, False),
        (2, "Owner's name on the strap", QuestionKind.NAME, True)]


def test_a_name_on_the_item_keeps_its_initial(make_item, staff, frozen):
    """A different initial is refused (docs/lostfound.md): the initial is kept beside the surname."""
    item = make_item()
    answers = right_answers(item)
    name_question = next(q for q in item.questions if q.kind is QuestionKind.NAME)
    answers[name_question.id] = "P. de Waard"
    attempt = ops.verify_claim(staff, item, claimant_name="Piet de Waard", channel=Channel.PHONE, answers=answers)
    assert attempt.outcome is AttemptOutcome.FAILED
    attempt = ops.verify_claim(staff, item, claimant_name="Remco de Waard", channel=Channel.PHONE,
                               answers=right_answers(item))
    assert attempt.outcome is AttemptOutcome.VERIFIED


def test_an_answer_is_kept_as_its_alias_groups_name(staff, manager, frozen):
    """So it still holds when the group later loses the way it was written at registration."""
    set_answer_aliases(manager, Category.UMBRELLA, "Knirps, Knirps Original, KO\n")
    item = umbrella(staff, questions=[NewQuestion("Colour", QuestionKind.CHOICE, "zwart"),
                                      NewQuestion("Brand", QuestionKind.TEXT, "KO")])
    set_answer_aliases(manager, Category.UMBRELLA, "Knirps, Knirps Original\n")
    colour, brand = item.questions
    attempt = ops.verify_claim(staff, item, claimant_name="Els Bakker", channel=Channel.PHONE,
                               answers={colour.id: "zwart", brand.id: "Knirps"})
    assert attempt.outcome is AttemptOutcome.VERIFIED


# --- the audit entry ----------------------------------------------------------------------------------------

def test_registration_is_audited_with_what_was_registered(staff, frozen):
    item = umbrella(staff, where="by the window", photo=jpeg(), photo_filename="umbrella.jpg")
    [entry] = entries_for("lf_item", item.id)
    assert (entry.action, entry.actor_id) == ("lostfound.register", staff.id)
    assert entry.changes == {"reference": "LF-2026-0001", "category": "umbrella",
                             "storage_location": "office drawer 2", "where_found": "by the window",
                             "questions": 2, "photo": True}


def test_registration_without_a_photo_is_audited_so(staff, frozen):
    item = umbrella(staff)
    [entry] = entries_for("lf_item", item.id)
    assert entry.changes["photo"] is False


# --- the reference ------------------------------------------------------------------------------------------

def test_the_references_year_is_the_restaurants_year(staff):
    clock.freeze(datetime(2026, 12, 31, 22, 59, tzinfo=timezone.utc))  # 23:59 in Amsterdam
    assert umbrella(staff).reference == "LF-2026-0001"
    clock.freeze(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc))  # already 1 January in Amsterdam
    assert umbrella(staff).reference == "LF-2027-0001"
    assert umbrella(staff).reference == "LF-2027-0002"


# --- the words a lost report is matched on -----------------------------------------------------------------

LONG = ("kofferlabel" * 4)[:40]  # words are told apart by their first 40 letters


def test_a_report_finds_the_item_by_its_words_of_three_letters_or_more(staff, frozen):
    item = register_found_item(staff, NewItem(
        category=Category.BAG, description=f"leather bag xl with zip {LONG}aa", storage_location="office drawer 2",
        found_at=frozen - timedelta(minutes=10), questions=[NewQuestion("Colour", QuestionKind.CHOICE, "rood")]))
    report = ops.report_lost(staff, category=Category.CLOTHING, what="scarf xl, zip", details=f"label {LONG}bb",
                             lost_on=frozen.date(), name="Els Bakker", phone="0612345678")
    assert queries.suggested_items(report) == [(item, 2)]  # "zip" and the long word; "xl" is too short


# --- the floor table "where found" names -------------------------------------------------------------------

def tables(*names) -> dict[str, int]:
    area = Area(name="Terras")
    db.session.add(area)
    db.session.flush()
    made = [Table(name=name, area_id=area.id, min_seats=1, max_seats=4) for name in names]
    db.session.add_all(made)
    db.session.flush()
    return {t.name: t.id for t in made}


def test_where_found_links_the_table_it_names(staff, frozen):
    ids = tables("12", "Bar 2", "2", "terrace")
    for where, table in [("table 12", "12"), ("Tafel 12", "12"), ("TABLE 12", "12"), ("12", "12"),
                         ("Bar 2", "Bar 2"), ("bar 2", "Bar 2"), (" BAR 2 ", "Bar 2"), ("Terrace", "terrace")]:
        assert reloaded(umbrella(staff, where=where)).table_id == ids[table], where
    for where in ("terrace 2", "table 12 left", "by the window", ""):
        assert reloaded(umbrella(staff, where=where)).table_id is None, where


# --- the lost report it answers -----------------------------------------------------------------------------

def test_a_report_it_answers_is_linked_in_the_name_of_who_registers(staff, frozen):
    report = ops.report_lost(staff, category=Category.UMBRELLA, what="black umbrella", lost_on=frozen.date(),
                             name="Els Bakker", phone="0612345678")
    item = umbrella(staff)
    report = db.session.get(LostReport, report.id)
    assert (report.state, report.item_id) == (ReportState.MATCHED, item.id)
    [matched] = [e for e in entries_for("lf_report", report.id) if e.action == "lostfound.report_matched"]
    assert matched.actor_id == staff.id
