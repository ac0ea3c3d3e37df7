"""The purge of personal data, one rule at a time: what is erased and what is kept, the erasure period
to the moment for items, reports and photos, nothing erased twice, and the counts it reports."""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image

from hostdesk import clock
from hostdesk.audit import AuditEntry
from hostdesk.extensions import db
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.mail import send_aftercare
from hostdesk.lostfound.models import (
    ActionKind,
    ActionPoint,
    Category,
    Channel,
    Claim,
    ClaimAttempt,
    DisposalMethod,
    FoundItem,
    LostReport,
    OutboxMail,
    QuestionKind,
    ReportState,
)
from hostdesk.lostfound.photos import photo_folder
from hostdesk.settings import get_settings

from .conftest import right_answers

SECOND = timedelta(seconds=1)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (40, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def erasure_period() -> timedelta:
    return timedelta(days=get_settings().personal_data_erasure_days)


def purges() -> list[dict]:
    """The changes of each purge's audit entry, oldest first (they are made by no one)."""
    entries = list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "lostfound.purge_personal_data").order_by(AuditEntry.id)))
    assert all(e.actor_id is None for e in entries)
    return [e.changes for e in entries]


def counts(claims=0, reports=0, photos=0, tracking=0) -> dict:
    return {"claims": claims, "reports": reports, "photos": photos, "tracking": tracking}


def get(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def claim_of(item) -> Claim:
    return db.session.scalar(sa.select(Claim).where(Claim.item_id == item.id))


def posted(staff, item, name, tracking, mail=True):
    ops.verify_claim(staff, item, claimant_name=name, channel=Channel.PHONE, answers=right_answers(item))
    ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", email="guest@example.org",
                    phone="0612345678")
    ops.post_item(staff, item, posted_on=clock.utcnow().date(), carrier="PostNL", tracking=tracking)
    if mail:
        send_aftercare(staff, item, "Your card", "We posted your card today.")


def picked_up(staff, item, answers):
    ops.verify_claim(staff, item, claimant_name="Remco de Waard", channel=Channel.PHONE, answers=answers)
    ops.choose_pickup(staff, item, phone="0612345678", email="remco@example.org")
    ops.hand_over(staff, item, pickup_code=item.claim.pickup_code, id_checked=True)


def callback(staff, item=None, report=None, note="ring after 17:00", done_note=None):
    point = ops.add_action_point(staff, ActionKind.CALLBACK, item=item, report=report,
                                 due_at=clock.utcnow() + timedelta(hours=1), owner=staff, note=note)
    if done_note:
        ops.complete_action_point(staff, point, done_note)
    return point


def notes(point) -> tuple:
    point = get(ActionPoint, point.id)
    return point.note, point.done_note


# --- a closed item: its claimant, attempts, mails and notes ----------------------------------------------

def test_purge_erases_what_a_closed_item_holds_of_people_and_only_of_closed_items(make_item, staff, frozen):
    report = ops.report_lost(staff, category=Category.BANK_CARD, what="bank card", lost_on=frozen.date(),
                             name="Remco de Waard", phone="0612345678", email="remco@example.org")
    closed, still_posted = make_item(), make_item(description="another card")
    assert get(LostReport, report.id).item_id == closed.id
    posted(staff, closed, "Remco de Waard", "3SCLOSED1")
    closed_point = callback(staff, item=closed, note="ring Remco after 17:00", done_note="reached him")
    ops.confirm_arrival(staff, closed, reply_note="Arrived, thank you")
    posted(staff, still_posted, "Open Claimant", "3SOPEN22")
    open_point = callback(staff, item=still_posted, note="ask whether it arrived")
    closed_at = get(FoundItem, closed.id).closed_at

    clock.freeze(closed_at + erasure_period() + SECOND)
    purged_at = clock.utcnow()
    assert ops.purge_personal_data() == 2  # the closed item's claim and its lost report
    assert purges() == [counts(claims=1, reports=1)]

    claim = claim_of(closed)
    assert (claim.claimant_name, claim.phone, claim.email, claim.postal_address, claim.reply_note, claim.tracking,
            claim.erased_at) == (None, None, None, None, None, None, purged_at)
    assert (claim.posted_on, claim.carrier) == (frozen.date(), "PostNL")  # the return itself is kept
    report = get(LostReport, report.id)
    assert (report.name, report.phone, report.email, report.erased_at, report.what) == (
        None, None, None, purged_at, "bank card")
    [attempt] = db.session.scalars(sa.select(ClaimAttempt).where(ClaimAttempt.item_id == closed.id))
    assert attempt.claimant_name is None
    [mail] = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.item_id == closed.id))
    assert (mail.to_address, mail.body, mail.erased_at, mail.subject) == (None, None, purged_at, "Your card")
    points = db.session.scalars(sa.select(ActionPoint).where(ActionPoint.item_id == closed.id)).all()
    assert closed_point.id in {p.id for p in points}
    assert {(p.note, p.done_note) for p in points} == {("", None)}

    open_claim = claim_of(still_posted)
    assert (open_claim.claimant_name, open_claim.phone, open_claim.email, open_claim.postal_address,
            open_claim.tracking, open_claim.erased_at) == (
        "Open Claimant", "0612345678", "guest@example.org", "Dorpsstraat 1, 1234 AB Ergens", "3SOPEN22", None)
    assert db.session.scalar(sa.select(ClaimAttempt.claimant_name).where(
        ClaimAttempt.item_id == still_posted.id)) == "Open Claimant"
    [open_mail] = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.item_id == still_posted.id))
    assert (open_mail.to_address, open_mail.body, open_mail.erased_at) == (
        "guest@example.org", "We posted your card today.", None)
    assert notes(open_point) == ("ask whether it arrived", None)

    clock.advance(timedelta(days=1))  # the next night: nothing is erased or counted twice
    assert ops.purge_personal_data() == 0
    assert purges() == [counts(claims=1, reports=1)]
    assert claim_of(closed).erased_at == purged_at
    assert get(LostReport, report.id).erased_at == purged_at
    assert get(OutboxMail, mail.id).erased_at == purged_at


def test_a_claim_is_kept_to_the_moment_the_erasure_period_ends(make_item, staff, frozen):
    item = make_item()
    picked_up(staff, item, right_answers(item))
    closed_at = get(FoundItem, item.id).closed_at
    clock.freeze(closed_at + erasure_period())
    assert ops.purge_personal_data() == 0
    assert claim_of(item).claimant_name == "Remco de Waard"
    assert purges() == []
    clock.advance(SECOND)
    assert ops.purge_personal_data() == 1
    assert claim_of(item).claimant_name is None
    assert purges() == [counts(claims=1)]


def test_a_tracking_code_left_by_an_earlier_erasure_is_erased_and_counted(make_item, staff, frozen):
    item = make_item()
    posted(staff, item, "Remco de Waard", "3SOLD999", mail=False)
    ops.confirm_arrival(staff, item)
    clock.freeze(get(FoundItem, item.id).closed_at + erasure_period() + timedelta(days=2))
    erased_before = clock.utcnow() - timedelta(days=1)
    # a claim erased by a version that did not yet take tracking codes
    db.session.execute(sa.update(Claim).where(Claim.item_id == item.id).values(
        claimant_name=None, phone=None, email=None, postal_address=None, reply_note=None, erased_at=erased_before))
    db.session.execute(sa.update(ClaimAttempt).values(claimant_name=None))
    assert ops.purge_personal_data() == 1
    claim = claim_of(item)
    assert (claim.tracking, claim.erased_at) == (None, erased_before)
    assert purges() == [counts(tracking=1)]


# --- lost reports ----------------------------------------------------------------------------------------

def test_an_unlinked_report_is_kept_to_the_moment_the_erasure_period_ends(app_ctx, staff, frozen):
    report = ops.report_lost(staff, category=Category.GLASSES, what="reading glasses", lost_on=frozen.date(),
                             name="Piet Bakker", phone="0612345678", email="piet@example.org")
    done = callback(staff, report=report, note="ring Piet after 17:00", done_note="no answer")
    waiting = callback(staff, report=report, note="try Piet again tomorrow")
    clock.freeze(report.created_at + erasure_period())
    assert ops.purge_personal_data() == 0
    report = get(LostReport, report.id)
    assert (report.name, report.phone, report.email, report.erased_at) == (
        "Piet Bakker", "0612345678", "piet@example.org", None)
    assert notes(done) == ("ring Piet after 17:00", "no answer")
    assert notes(waiting) == ("try Piet again tomorrow", None)
    assert purges() == []

    clock.advance(SECOND)
    purged_at = clock.utcnow()
    assert ops.purge_personal_data() == 1
    report = get(LostReport, report.id)
    assert (report.name, report.phone, report.email, report.erased_at, report.what) == (
        None, None, None, purged_at, "reading glasses")
    assert notes(done) == ("", None) and notes(waiting) == ("", None)
    assert purges() == [counts(reports=1)]

    clock.advance(timedelta(days=1))
    assert ops.purge_personal_data() == 0
    assert get(LostReport, report.id).erased_at == purged_at
    assert purges() == [counts(reports=1)]


def test_a_report_linked_to_an_item_in_storage_is_kept_until_closed_and_the_period_ends(make_item, staff, frozen):
    report = ops.report_lost(staff, category=Category.UMBRELLA, what="black umbrella", lost_on=frozen.date(),
                             name="Els Bakker", phone="0612345678")
    item = make_item(Category.UMBRELLA, "umbrella")
    report = get(LostReport, report.id)
    assert (report.state, report.item_id) == (ReportState.MATCHED, item.id)
    [contact] = db.session.scalars(sa.select(ActionPoint).where(ActionPoint.report_id == report.id))
    note = contact.note
    assert note

    clock.advance(erasure_period() + timedelta(days=1))  # old, but its item is still here
    assert ops.purge_personal_data() == 0
    assert get(LostReport, report.id).name == "Els Bakker"

    ops.close_report(staff, get(LostReport, report.id))  # the guest found it elsewhere
    closed_at = get(LostReport, report.id).closed_at
    clock.freeze(closed_at + erasure_period())
    assert ops.purge_personal_data() == 0
    assert get(LostReport, report.id).name == "Els Bakker"
    assert notes(contact) == (note, None)

    clock.advance(SECOND)
    assert ops.purge_personal_data() == 1
    report = get(LostReport, report.id)
    assert (report.name, report.phone, report.erased_at) == (None, None, clock.utcnow())
    assert notes(contact) == ("", None)
    assert purges() == [counts(reports=1)]


def test_a_report_linked_to_a_disposed_item_is_erased_with_the_item(make_item, staff, manager, frozen):
    report = ops.report_lost(staff, category=Category.BANK_CARD, what="bank card", lost_on=frozen.date(),
                             name="Remco de Waard", phone="0612345678")
    item = make_item()
    clock.advance(timedelta(days=8))
    ops.dispose_item(manager, item, DisposalMethod.TO_BANK, clock.utcnow().date(), "Mila")
    report = get(LostReport, report.id)
    assert (report.state, report.item_id, report.closed_at) == (ReportState.MATCHED, item.id, None)
    clock.freeze(get(FoundItem, item.id).closed_at + erasure_period() + SECOND)
    assert ops.purge_personal_data() == 1
    assert get(LostReport, report.id).name is None
    assert purges() == [counts(reports=1)]


# --- photos of disposed items ----------------------------------------------------------------------------

def test_photos_of_disposed_items_go_to_the_moment_the_period_ends(make_item, manager, frozen):
    first = make_item(Category.UMBRELLA, "umbrella", photo=jpeg())
    second = make_item(Category.UMBRELLA, "red umbrella", photo=jpeg())
    card = make_item()  # a card has no photo
    files = [photo_folder() / first.photo_name, photo_folder() / second.photo_name]
    clock.advance(timedelta(days=91))
    for item in (first, second, card):
        ops.dispose_item(manager, item, DisposalMethod.DONATED, clock.utcnow().date(), "Mila")
    clock.freeze(get(FoundItem, first.id).closed_at + erasure_period())
    assert ops.purge_personal_data() == 0
    assert all(f.is_file() for f in files) and get(FoundItem, first.id).photo_name
    assert purges() == []

    clock.advance(SECOND)
    assert ops.purge_personal_data() == 2
    assert not any(f.exists() for f in files)
    assert (get(FoundItem, first.id).photo_name, get(FoundItem, second.id).photo_name) == (None, None)
    assert purges() == [counts(photos=2)]


def test_the_photo_of_a_returned_item_is_kept(make_item, staff, frozen):
    umbrella = make_item(Category.UMBRELLA, "umbrella", photo=jpeg())
    photo = photo_folder() / umbrella.photo_name
    answers = {q.id: ("zwart" if q.kind is QuestionKind.CHOICE else "Knirps") for q in umbrella.questions}
    picked_up(staff, umbrella, answers)
    clock.freeze(get(FoundItem, umbrella.id).closed_at + erasure_period() + SECOND)
    assert ops.purge_personal_data() == 1  # its claimant only
    assert photo.is_file() and get(FoundItem, umbrella.id).photo_name == photo.name
    assert purges() == [counts(claims=1)]
