"""Lost-and-found you can trust: the answers stay off the screen, refused input keeps what was typed,
card numbers are refused however they are written, matches can be undone, action points have owners,
photos carry no metadata, and the nightly purge also takes tracking codes and photos."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image, PngImagePlugin

from hostdesk import clock, jobs
from hostdesk.audit import AuditEntry
from hostdesk.auth.models import Role
from hostdesk.cards import holds_card_number, longest_digit_run
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.models import (
    ActionKind,
    ActionPoint,
    Category,
    Channel,
    DisposalMethod,
    FoundItem,
    ItemState,
    LostReport,
    QuestionKind,
    ReportState,
)
from hostdesk.lostfound.operations import NewQuestion
from hostdesk.lostfound.photos import clean_photo, photo_folder
from hostdesk.security import refuse_unsafe_input

from .conftest import right_answers


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


# --- 2: the answers are not on screen -------------------------------------------------------------

def test_a_description_that_gives_an_answer_away_is_refused_naming_the_question(make_item):
    questions = [NewQuestion("Kleur van het hoesje", QuestionKind.CHOICE, "green"),
                 NewQuestion("Merk en model", QuestionKind.TEXT, "Fairphone 4")]
    with pytest.raises(ValidationFailed) as refused:
        make_item(Category.PHONE, "telefoon in een groen hoesje", questions=questions)
    assert "Kleur van het hoesje" in str(refused.value.message)
    with pytest.raises(ValidationFailed) as refused:
        make_item(Category.PHONE, "Fairphone 4 in a case", questions=questions)
    assert "Merk en model" in str(refused.value.message)
    with pytest.raises(ValidationFailed):  # an alias of the answer gives it away as well
        make_item(description="ING Bank card")
    with pytest.raises(ValidationFailed):
        make_item(description="card of R. de Waard")
    assert make_item(Category.PHONE, "telefoon in een hoesje", questions=questions).id
    assert db.session.scalar(sa.select(sa.func.count(FoundItem.id))) == 1


def test_cards_and_documents_take_no_photo(make_item):
    photo = jpeg()
    for category in (Category.BANK_CARD, Category.ID_DOCUMENT):
        with pytest.raises(ValidationFailed):
            make_item(category, "pas", photo=photo, questions=[NewQuestion("Naam", QuestionKind.NAME, "A. Smit"),
                                                                NewQuestion("Soort", QuestionKind.TEXT, "rijbewijs"),
                                                                NewQuestion("Bank", QuestionKind.TEXT, "ING")])


def test_the_verifier_sees_only_verified_or_not_and_the_manager_the_per_question_result(
        app, make_item, staff, client_for, frozen):
    umbrella = make_item(Category.UMBRELLA, "umbrella", photo=jpeg())
    db.session.commit()
    staff_client = client_for(Role.STAFF)
    page = staff_client.get(f"/lost-found/item/{umbrella.id}").get_data(as_text=True)
    assert 'class="lf-photo"' not in page  # no photo beside the questions
    colour, brand = umbrella.questions
    answer = staff_client.post(f"/lost-found/item/{umbrella.id}/verify", headers={"Accept-Language": "en"},
                               data={"claimant_name": "Els", "channel": "phone", f"answer_{colour.id}": "black",
                                     f"answer_{brand.id}": "Senz"}).get_data(as_text=True)
    assert "Not verified" in answer and "2 attempts left" in answer
    assert "1 of 2" not in answer and "does not match" not in answer and "✓" not in answer
    [failed] = audit("lostfound.claim_failed")
    assert failed.changes["results"] == "Colour: ✓; Brand: ✗"
    staff_view = staff_client.get(f"/lost-found/item/{umbrella.id}").get_data(as_text=True)
    manager_view = client_for(Role.MANAGER).get(f"/lost-found/item/{umbrella.id}").get_data(as_text=True)
    assert "Brand: ✗" not in staff_view and "Brand: ✗" in manager_view


# --- 3: refused input keeps what was typed ---------------------------------------------------------

def test_a_refused_card_number_keeps_every_other_field(app, client_for, frozen):
    client = client_for(Role.STAFF)
    data = {"description": "umbrella", "where_found": "terrace", "found_at": "2026-11-20T18:30",
            "storage_location": "coat rack by the door", "q0_answer": "black",
            "q1_answer": "Knirps 4111 1111\u200b1111 1111"}
    response = client.post("/lost-found/new/umbrella", data=data, headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "card number" in body
    for kept in ('value="coat rack by the door"', 'value="terrace"', 'value="umbrella"', 'value="2026-11-20T18:30"'):
        assert kept in body
    assert "4111" not in body and "Knirps" not in body  # the refused value and the expected answers are gone
    report = client.post("/lost-found/reports", data={
        "category": "bag", "what": "rugzak met pas 4111-1111-1111-1111", "lost_on": "2026-11-20", "where": "bar",
        "name": "Els Bakker", "phone": "0612345678", "email": "els@example.org", "language": "nl"})
    body = report.get_data(as_text=True)
    assert report.status_code == 422
    assert 'value="Els Bakker"' in body and 'value="els@example.org"' in body and 'value="bar"' in body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LostReport.id))) == 0


def test_a_refused_claimant_name_keeps_the_channel_and_never_the_answers(app, make_item, client_for, frozen):
    item = make_item()
    db.session.commit()
    qid = item.questions[0].id
    response = client_for(Role.STAFF).post(f"/lost-found/item/{item.id}/verify", headers={"HX-Request": "true"},
                                           data={"claimant_name": "R 4111 1111 1111 1111", "channel": "in_person",
                                                 f"answer_{qid}": "Rabobank"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<section class="card lf-claim"')
    assert re.search(r'<input checked[^>]*value="in_person"', body) and "Rabobank" not in body


# --- 4: card numbers, however written ------------------------------------------------------------

SEPARATED = ["4111  1111  1111  1111", "4111 - 1111 - 1111 - 1111", "4111–1111–1111–1111", "4111_1111_1111_1111",
             "4111,1111,1111,1111", "4111:1111:1111:1111", "4111*1111*1111*1111", "4111\t1111\t1111\t1111",
             "4111\u200b1111\u200b1111\u200b1111", "4111\n1111\n1111\n1111", "4111\u00a01111\u2009 1111 1111",
             "pas: 4111 1111 1111 1111, geldig tot 12/28", "５５５５ ５５５５ ５５５５ ４４４４"]


@pytest.mark.parametrize("text", SEPARATED)
def test_a_card_number_is_found_whatever_separates_its_digits(app, text):
    assert holds_card_number(text)
    with app.test_request_context("/host/bookings/new", method="POST", data={"note": text}), \
            pytest.raises(ValidationFailed):
        refuse_unsafe_input()  # booking notes, lost reports, answers: every field of every form


@pytest.mark.parametrize("text", ["table 12, 4 guests", "bel 06-12345678 na 14:00", "20-11-2026 14:30",
                                  "LF-2026-0012", "4111 1111 1111 111 is kort", "kamer 12 t/m 19"])
def test_ordinary_text_is_not_a_card_number(text):
    assert not holds_card_number(text)


def test_a_valid_phone_number_in_a_phone_field_stays_out_of_reach(app):
    phone = next(f"0031 6 1234 5{n:03d}" for n in range(1000) if holds_card_number(f"0031612345{n:03d}"))
    with app.test_request_context("/host/bookings/new", method="POST", data={"phone": phone}):
        refuse_unsafe_input()
    with app.test_request_context("/host/bookings/new", method="POST", data={"note": phone}), \
            pytest.raises(ValidationFailed):
        refuse_unsafe_input()


def test_on_a_card_item_a_long_run_is_refused_whatever_its_separators(make_item):
    assert longest_digit_run("1234–5678–9012") == 12
    with pytest.raises(ValidationFailed):
        make_item(description="bankpas 1234–5678–9012")


def test_a_card_number_in_the_photo_file_name_is_refused(make_item):
    with pytest.raises(ValidationFailed) as refused:
        make_item(Category.UMBRELLA, "umbrella", photo=jpeg(), photo_filename="pas 4111-1111-1111-1111.jpg")
    assert "bestandsnaam" in str(refused.value.message)


# --- 10: a wrong match can be undone ---------------------------------------------------------------

def test_a_wrong_match_is_unlinked_audited_and_the_report_looks_again(make_item, staff, frozen):
    report = ops.report_lost(staff, category=Category.UMBRELLA, what="paraplu met houten handvat",
                             lost_on=frozen.date(), name="Els Bakker", phone="0612345678")
    wrong = make_item(Category.UMBRELLA, "paraplu met metalen handvat")
    db.session.refresh(report)
    assert report.state is ReportState.MATCHED and report.item_id == wrong.id
    right = make_item(Category.UMBRELLA, "paraplu houten handvat")  # registered while the report was matched
    assert ops.unlink_report(staff, report) is report
    assert report.state is ReportState.MATCHED and report.item_id == right.id  # it looked again and found it
    assert report.unlinked_item_ids == [wrong.id]
    closed = db.session.scalars(sa.select(ActionPoint).where(ActionPoint.item_id == wrong.id)).one()
    assert closed.done_at is not None and "ongedaan gemaakt" in closed.done_note
    assert [e.subject_type for e in audit("lostfound.report_unlinked")] == ["lf_report", "lf_item"]
    ops.unlink_report(staff, report)
    assert report.state is ReportState.OPEN
    from hostdesk.lostfound.queries import suggested_items

    assert [item for item, _ in suggested_items(report)] == []  # neither unlinked item is offered again


def test_the_report_page_offers_to_undo_a_match(app, make_item, staff, client_for, frozen):
    report = ops.report_lost(staff, category=Category.UMBRELLA, what="paraplu met houten handvat",
                             lost_on=frozen.date(), name="Els Bakker", phone="0612345678")
    make_item(Category.UMBRELLA, "paraplu met metalen handvat")
    db.session.commit()
    client = client_for(Role.STAFF)
    assert "koppeling ongedaan maken" in client.get(f"/lost-found/reports/{report.id}").get_data(as_text=True)
    response = client.post(f"/lost-found/reports/{report.id}/unlink", follow_redirects=True)
    assert response.status_code == 200 and "Ontkoppeld" in response.get_data(as_text=True)


# --- 11: action points -------------------------------------------------------------------------------

def test_action_points_have_owners_and_close_with_the_item(app, make_item, staff, manager, client_for, frozen):
    item = make_item()
    ops.verify_claim(staff, item, claimant_name="Remco de Waard", channel=Channel.PHONE, answers=right_answers(item))
    db.session.commit()
    client = client_for(Role.STAFF)
    assert client.post(f"/lost-found/item/{item.id}/callback", data={
        "due_at": "2026-11-20T20:00", "owner": str(manager.id), "note": "after lunch"}).status_code == 302
    db.session.expire_all()
    callback = db.session.scalars(sa.select(ActionPoint).where(ActionPoint.kind == ActionKind.CALLBACK)).one()
    assert callback.owner_id == manager.id and callback.created_by_id == staff.id
    ops.choose_post(staff, item, postal_address="Lindelaan 7, 3500 AA Utrecht", email="r@example.org",
                    phone="0612345678")
    ops.post_item(manager, item, posted_on=frozen.date())
    arrival = db.session.scalars(sa.select(ActionPoint).where(ActionPoint.kind == ActionKind.ARRIVAL_CHECK)).one()
    assert arrival.owner_id == manager.id  # the arrival check is the poster's
    ops.confirm_arrival(staff, item)
    db.session.refresh(callback)
    assert callback.done_at is not None and callback.done_note == "Afgesloten: het voorwerp is teruggegeven"


def test_a_callback_closes_when_the_item_is_disposed(make_item, staff, manager, frozen):
    item = make_item()
    ops.add_action_point(staff, ActionKind.CALLBACK, item=item, due_at=clock.utcnow(), owner=staff)
    clock.advance(timedelta(days=8))
    ops.dispose_item(manager, item, DisposalMethod.TO_BANK, clock.utcnow().date(), "Daan")
    point = db.session.scalars(sa.select(ActionPoint)).one()
    assert point.done_at is not None and "afgevoerd" in point.done_note


def test_due_points_show_as_a_count_in_the_header_and_the_list_refreshes(app, make_item, staff, client_for, frozen):
    item = make_item()
    ops.add_action_point(staff, ActionKind.CALLBACK, item=item, due_at=clock.utcnow(), owner=staff)
    db.session.commit()
    for role, path in ((Role.STAFF, "/lost-found/reports"), (Role.MANAGER, "/manager/me")):
        page = client_for(role).get(path).get_data(as_text=True)  # every page asks for the count
        assert 'id="lf-due-badge-slot" hx-get="/lost-found/due/count" hx-trigger="load, every 60s"' in page
        assert "1 te doen" in client_for(role).get("/lost-found/due/count").get_data(as_text=True)
    assert "lf-due-badge-slot" not in client_for(Role.HOST).get("/host/board").get_data(as_text=True)
    assert client_for(Role.HOST).get("/lost-found/due/count").status_code == 403
    client = client_for(Role.STAFF)
    index = client.get("/lost-found/").get_data(as_text=True)
    version = re.search(r'hx-get="/lost-found/due\?v=([0-9a-f]+)"', index).group(1)
    assert 'hx-trigger="every 30s"' in index
    assert client.get(f"/lost-found/due?v={version}", headers={"HX-Request": "true"}).status_code == 204
    ops.add_action_point(staff, ActionKind.CALLBACK, item=item, due_at=clock.utcnow(), owner=staff, note="second")
    db.session.commit()
    fresh = client.get(f"/lost-found/due?v={version}", headers={"HX-Request": "true"})
    assert fresh.status_code == 200 and "second" in fresh.get_data(as_text=True)
    assert 'id="lf-due-badge-slot" hx-swap-oob="innerHTML"><a' in fresh.get_data(as_text=True)


# --- 12: photos keep only their pixels ------------------------------------------------------------

COMMENT = b"Owner: Remco de Waard, Lindelaan 7 Utrecht"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (40, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def jpeg_with_everything() -> bytes:
    from PIL import ImageCms

    image = Image.new("RGB", (120, 90), (200, 60, 30))
    exif = Image.Exif()
    exif[0x010E] = "Owner description"
    exif[0x8825] = {1: "N", 2: (52.0, 5.0, 0.0)}
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=COMMENT, icc_profile=icc,
               xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Remco de Waard</x:xmpmeta>')
    return out.getvalue()


def gif_with_comment() -> bytes:
    out = io.BytesIO()
    Image.new("P", (60, 40), 3).save(out, "GIF", comment=COMMENT)
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", COMMENT.decode())
    info.add_itxt("Author", "Remco de Waard")
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 120, 0, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg_markers(data: bytes) -> list[int]:
    """The JPEG marker bytes before the image data (APPn, COM, DQT...)."""
    markers, position = [], 2
    while position < len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
    return markers


@pytest.mark.parametrize("make", [jpeg_with_everything, gif_with_comment, png_with_text])
def test_every_metadata_block_is_stripped(app_ctx, make):
    upload = make()
    with Image.open(io.BytesIO(upload)) as original:
        assert original.info.get("comment") or original.info.get("Comment") or original.getexif()  # it is there
    cleaned = clean_photo(upload)
    markers = jpeg_markers(cleaned)
    assert 0xFE not in markers  # no COM
    assert not [m for m in markers if 0xE1 <= m <= 0xEF]  # no EXIF, XMP, ICC, IPTC (APP1-APP15)
    assert b"Remco" not in cleaned and b"Lindelaan" not in cleaned and b"Owner" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG" and "comment" not in image.info and "icc_profile" not in image.info


# --- 13: the purge without cron, also of tracking codes and photos ------------------------------------

def test_the_nightly_run_removes_tracking_codes_and_photos_of_disposed_items(app, make_item, staff, manager,
                                                                             client_for, frozen):
    card = make_item()
    ops.verify_claim(staff, card, claimant_name="Remco de Waard", channel=Channel.PHONE, answers=right_answers(card))
    ops.choose_post(staff, card, postal_address="Lindelaan 7, 3500 AA Utrecht", email="r@example.org",
                    phone="0612345678")
    ops.post_item(staff, card, posted_on=frozen.date(), carrier="PostNL", tracking="3SXYZ987")
    ops.confirm_arrival(staff, card)
    umbrella = make_item(Category.UMBRELLA, "umbrella", photo=jpeg())
    photo = photo_folder() / umbrella.photo_name
    clock.advance(timedelta(days=91))
    ops.dispose_item(manager, umbrella, DisposalMethod.DONATED, clock.utcnow().date(), "Daan")
    db.session.commit()
    card_id, umbrella_id = card.id, umbrella.id
    assert "nog niet gebeurd" in client_for(Role.MANAGER).get("/lost-found/retention").get_data(as_text=True)
    jobs.run_due(app)  # makes the rows: the first night is tonight
    clock.advance(timedelta(days=1))
    assert jobs.PURGE in jobs.run_due(app)
    assert photo.is_file()  # disposed only a day ago
    clock.advance(timedelta(days=91))
    assert jobs.PURGE in jobs.run_due(app)
    with app.app_context():
        card, umbrella = db.session.get(FoundItem, card_id), db.session.get(FoundItem, umbrella_id)
        assert card.claim.tracking is None and card.claim.claimant_name is None
        [posted] = audit("lostfound.post")
        assert posted.changes["tracking"] is True and posted.changes["carrier"] == "PostNL"  # never the code
        assert umbrella.photo_name is None and umbrella.state is ItemState.DISPOSED
    assert not photo.exists()
    assert "3SXYZ987" not in client_for(Role.MANAGER).get(f"/lost-found/item/{card_id}").get_data(as_text=True)
    page = client_for(Role.MANAGER).get("/lost-found/retention").get_data(as_text=True)
    assert re.search(r'id="last-purge">[^<]*Laatst gedaan: \d+ \w+\.? 2027', page)
    assert 'id="last-purge"' not in client_for(Role.STAFF).get("/lost-found/retention").get_data(as_text=True)


# --- 1: managers extend the aliases -------------------------------------------------------------------

def test_a_manager_adds_aliases_on_a_page_and_staff_cannot(app, make_item, staff, client_for, frozen):
    item = make_item(questions=[NewQuestion("Welke bank?", QuestionKind.TEXT, "Moneyou Bank"),
                                NewQuestion("Naam", QuestionKind.NAME, "R. de Waard"),
                                NewQuestion("Kleur", QuestionKind.CHOICE, "oranje")])
    db.session.commit()
    assert client_for(Role.STAFF).get("/lost-found/aliases").status_code == 403
    manager = client_for(Role.MANAGER)
    page = manager.get("/lost-found/aliases?category=bank_card").get_data(as_text=True)
    assert "ABN AMRO, ABN" in page  # the shipped groups are shown beside the manager's own
    refused = manager.post("/lost-found/aliases", data={"category": "bank_card", "groups": "Moneyou"})
    assert refused.status_code == 422 and 'name="groups"' in refused.get_data(as_text=True)
    saved = manager.post("/lost-found/aliases", data={"category": "bank_card", "groups": "Moneyou, Moneyou Bank\n"})
    assert saved.status_code == 302
    attempt = ops.verify_claim(staff, item, claimant_name="Remco de Waard", channel=Channel.PHONE,
                               answers=dict(zip([q.id for q in item.questions],
                                                ["moneyou", "de Waard, Remco", "orange"], strict=True)))
    assert attempt.outcome.value == "verified"
    assert "Moneyou, Moneyou Bank" in manager.get("/lost-found/aliases?category=bank_card").get_data(as_text=True)
