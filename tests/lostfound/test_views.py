"""Views: the whole claim flow over HTTP, roles, bad input, photo, label and QR code."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from hostdesk.extensions import db
from hostdesk.lostfound.models import Claim, FoundItem, ItemState, OutboxMail
from hostdesk.lostfound.photos import photo_folder
from tests.htmx_answers import lands_in

SECRETS = [r"\bRemco\b", r"\b4821\b", r"\b48 21\b", r"\bAjax\b", r"\bING\b", r"\bing\b"]


def jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (2400, 1800), (200, 80, 20))
    exif = Image.Exif()
    exif[0x010E] = "secret-description"  # ImageDescription
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 1.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def register_umbrella(client, photo: bytes, filename: str = "IMG_0001.jpg", **overrides):
    data = {"description": "umbrella", "where_found": "entrance", "found_at": "2026-11-20T13:30",
            "storage_location": "coat rack", "q0_answer": "black", "q1_answer": "Knirps",
            "photo": (io.BytesIO(photo), filename), **overrides}
    return client.post("/lost-found/new/umbrella", data=data, content_type="multipart/form-data")


def register_card(client, photo: bytes | None = None, **overrides):
    data = {"description": "bank card", "where_found": "table 7", "found_at": "2026-11-20T13:30",
            "storage_location": "safe in the office", "q0_answer": "ING", "q1_answer": "orange",
            "q2_answer": "Remco de Waard", "q3_answer": "4821", "q4_prompt": "Sticker on the back?",
            "q4_kind": "text", "q4_answer": "Ajax"}
    data.update(overrides)
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "IMG_0001.jpg")
    return client.post("/lost-found/new/bank_card", data=data, content_type="multipart/form-data")


@pytest.fixture
def bodies():
    collected = []

    def keep(response):
        assert response.status_code < 500, response.get_data(as_text=True)
        collected.append(response.get_data(as_text=True) if response.mimetype.startswith("text") else "")
        return response

    keep.all = collected
    return keep


def the_item() -> FoundItem:
    db.session.expire_all()
    return db.session.scalars(sa.select(FoundItem)).one()


def test_whole_claim_flow_never_shows_an_expected_answer(app, staff_client, frozen, bodies):
    c = staff_client
    assert bodies(c.get("/lost-found/")).status_code == 200
    assert bodies(c.get("/lost-found/new")).status_code == 200
    assert bodies(c.get("/lost-found/new/bank_card")).status_code == 200
    response = bodies(register_card(c, jpeg_with_metadata()))
    assert response.status_code == 422 and "zonder foto" in response.get_data(as_text=True)
    response = bodies(register_card(c))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        item = the_item()
        item_id, reference = item.id, item.reference
        qids = [q.id for q in item.questions]
    page = f"/lost-found/item/{item_id}"
    body = bodies(c.get(page + "?registered=1")).get_data(as_text=True)
    assert reference in body and "Sticker on the back?" in body

    wrong = {"claimant_name": "Mr R. de Waard", "channel": "phone", **{f"answer_{q}": "x" for q in qids}}
    body = bodies(c.post(page + "/verify", data=wrong)).get_data(as_text=True)
    assert "Niet geverifieerd" in body and "2 pogingen over" in body
    assert "0 van 5" not in body and "klopt niet" not in body  # nothing says which answers were wrong
    assert 'value="Mr R. de Waard"' in body  # the claimant's name stays, the answers do not

    right = {"claimant_name": "Mr R. de Waard", "channel": "phone", f"answer_{qids[0]}": "ing",
             f"answer_{qids[1]}": "oranje", f"answer_{qids[2]}": "R. de Waard", f"answer_{qids[3]}": "48 21",
             f"answer_{qids[4]}": "AJAX"}
    response = bodies(c.post(page + "/verify", data=right, headers={"HX-Request": "true"}))
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith('<section class="card lf-claim" id="claim"')
    with app.app_context():
        assert the_item().state is ItemState.CLAIM_VERIFIED

    response = bodies(c.post(page + "/agree-post", data={
        "post-postal_address": "Dorpsstraat 1\n1234 AB Ergens", "post-email": "guest@example.org",
        "post-language": "en", "post-phone": "06 1234 5678"}))
    assert response.status_code == 302
    assert "PostNL" in bodies(c.get(page)).get_data(as_text=True)
    response = bodies(c.post(page + "/callback", data={"due_at": "2026-11-20T14:00", "note": "busy at lunch"}))
    assert response.status_code == 302
    index = bodies(c.get("/lost-found/")).get_data(as_text=True)
    assert "busy at lunch" in index  # 14:00 local is past: due now, on the lost-and-found screen
    response = bodies(c.post(page + "/posted", data={"posted_on": "2026-11-20", "carrier": "PostNL",
                                                     "tracking": "3SABCD123", "postage": "4,50".replace(",", ".")}))
    assert response.status_code == 302 and response.location.endswith("/aftercare")
    draft = bodies(c.get(page + "/aftercare")).get_data(as_text=True)
    assert "sent by post" in draft and "sorry for the inconvenience" in draft and "let us know" in draft
    response = bodies(c.post(page + "/aftercare", data={"subject": "Your bank card is on its way",
                                                        "body": "Dear Mr de Waard,\n\nWe posted it today."}))
    assert response.status_code == 302
    assert "We posted it today." in bodies(c.get("/lost-found/outbox")).get_data(as_text=True)
    body = bodies(c.post(page + "/arrived", data={"reply_note": "He was delighted."}, follow_redirects=True,
                         headers={"Accept-Language": "en"}))
    text = body.get_data(as_text=True)
    assert "He was delighted." in text
    assert "Returned" in text and "Teruggegeven" not in text
    for extra in ("/label", "/label-qr.png"):
        assert bodies(c.get(page + extra)).status_code == 200
    bodies(c.get("/lost-found/retention"))
    bodies(c.get("/lost-found/reports"))
    with app.app_context():
        item = the_item()
        assert item.state is ItemState.RETURNED and item.claim.reply_note == "He was delighted."
        assert db.session.scalar(sa.select(OutboxMail.to_address)) == "guest@example.org"
    for body in bodies.all:
        for secret in SECRETS:
            assert not re.search(secret, body), secret


def test_photo_is_resized_reencoded_and_stripped(app, staff_client, frozen):
    assert register_umbrella(staff_client, jpeg_with_metadata()).status_code == 302
    with app.app_context():
        item = the_item()
        stored = (photo_folder() / item.photo_name).read_bytes()
        assert re.fullmatch(r"[0-9a-f]{32}\.jpg", item.photo_name)
    image = Image.open(io.BytesIO(stored))
    assert max(image.size) == 1600 and image.format == "JPEG"
    assert len(image.getexif()) == 0 and b"secret-description" not in stored
    response = staff_client.get(f"/lost-found/item/{item.id}/photo")
    assert response.headers["X-Content-Type-Options"] == "nosniff" and response.mimetype == "image/jpeg"
    assert response.data == stored
    anonymous = app.test_client().get(f"/lost-found/item/{item.id}/photo")
    assert anonymous.status_code in (302, 401)


@pytest.mark.parametrize("photo", [b"<script>alert(1)</script>", b"GIF89a" + b"\x00" * 20, b"\x89PNG\r\n\x1a\n"])
def test_not_an_image_is_refused(app, staff_client, frozen, photo):
    response = register_umbrella(staff_client, photo)
    assert response.status_code == 422 and "photo" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FoundItem.id))) == 0


@pytest.mark.parametrize("overrides", [
    {"description": ""}, {"description": "x" * 500}, {"storage_location": ""}, {"found_at": "2030-01-01T10:00"},
    {"found_at": "gisteren"}, {"q3_answer": "4111111111111111"}, {"q3_answer": "12"},
    {"description": "card 4111 1111 1111 1111"}, {"q2_answer": "Remco 123456789012"},
    {"q0_answer": "", "q1_answer": "", "q2_answer": "", "q4_answer": ""},
    {"q1_answer": "plaid"}, {"description": "\x00 <b>", "storage_location": "' OR 1=1 --"},
])
def test_bad_registration_input(app, staff_client, frozen, overrides):
    response = register_card(staff_client, **overrides)
    nul = any("\x00" in v for v in overrides.values())
    assert response.status_code in ((400, 422) if nul else (422,))  # a NUL may be refused before the view
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FoundItem.id))) == 0


def test_label_qr_decodes_to_the_item_url(app, staff_client, frozen):
    import segno
    import zxingcpp

    register_card(staff_client)
    with app.app_context():
        item = the_item()
    url = f"http://localhost/lost-found/item/{item.id}"
    page = staff_client.get(f"/lost-found/item/{item.id}/label").get_data(as_text=True)
    assert item.reference in page and "<svg" in page and "http" not in page.split("<svg", 1)[0].split("<body", 1)[1]
    png = staff_client.get(f"/lost-found/item/{item.id}/label-qr.png")
    assert png.mimetype == "image/png"
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert decoded.text == url
    # the inline SVG on the page is the same QR code (same matrix), and decodes likewise rendered as PNG
    svg_path = re.search(r'<path[^>]* d="([^"]+)"', page).group(1)
    same = segno.make(url, error="m")
    assert svg_path in same.svg_inline(scale=5, border=2, dark="#000", light="#fff")
    out = io.BytesIO()
    same.save(out, kind="png", scale=4, border=2)
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(out.getvalue())))[0].text == url


def test_roles(client_for, app):
    from hostdesk.auth.models import Role

    assert client_for(Role.HOST).get("/lost-found/").status_code == 403
    staff = client_for(Role.STAFF)
    assert staff.get("/lost-found/").status_code == 200
    assert staff.get("/lost-found/questions").status_code == 403
    manager = client_for(Role.MANAGER)
    assert manager.get("/lost-found/questions?category=phone").status_code == 200
    response = manager.post("/lost-found/questions?category=phone", data={
        "category": "phone", "q0_prompt": "Make and model", "q0_kind": "text", "q1_prompt": "Case colour",
        "q1_kind": "choice", "q2_prompt": "Wallpaper", "q2_kind": "text", "q2_remove": "1"})
    assert response.status_code == 302
    page = staff.get("/lost-found/new/phone").get_data(as_text=True)
    assert "Case colour" in page and "Wallpaper" not in page


def test_locked_item_and_manager_unlock_over_http(app, staff_client, manager_client, frozen):
    register_card(staff_client)
    with app.app_context():
        item = the_item()
    page = f"/lost-found/item/{item.id}"
    for _ in range(3):
        staff_client.post(page + "/verify", data={"claimant_name": "Guesser", "channel": "phone"})
    body = staff_client.get(page).get_data(as_text=True)
    assert "Claims zijn geblokkeerd na 3 mislukte pogingen" in body
    refused = staff_client.post(page + "/verify", data={"claimant_name": "Guesser", "channel": "phone"})
    assert refused.status_code == 423
    assert staff_client.post(page + "/unlock").status_code == 403
    assert manager_client.post(page + "/unlock").status_code == 302
    with app.app_context():
        assert not the_item().claims_locked


def test_unknown_things_are_404(staff_client):
    assert staff_client.get("/lost-found/item/999").status_code == 404
    assert staff_client.get("/lost-found/new/spaceship").status_code == 404
    assert staff_client.post("/lost-found/action/999/done").status_code == 404
    assert staff_client.get("/lost-found/item/999/label-qr.png").status_code == 404


def test_wrong_transition_over_http_is_a_message(app, staff_client, frozen):
    register_card(staff_client)
    with app.app_context():
        item = the_item()
    response = staff_client.post(f"/lost-found/item/{item.id}/arrived", data={})
    assert response.status_code == 409
    response = staff_client.post(f"/lost-found/item/{item.id}/hand-over", data={"pickup_code": "1", "id_checked": "y"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Claim.id))) == 0


def test_pickup_flow_over_http(app, staff_client, frozen):
    register_card(staff_client)
    with app.app_context():
        item = the_item()
        qids = [q.id for q in item.questions]
    page = f"/lost-found/item/{item.id}"
    answers = dict(zip([f"answer_{q}" for q in qids], ["ING", "zwart", "R de Waard", "4821", "ajax"], strict=True))
    answers[f"answer_{qids[1]}"] = "orange"
    staff_client.post(page + "/verify", data={"claimant_name": "Remco", "channel": "in_person", **answers})
    assert staff_client.post(page + "/pickup", data={"pickup-phone": "", "pickup-email": ""}).status_code == 422
    assert staff_client.post(page + "/pickup", data={"pickup-phone": "0612345678", "pickup-language": "nl"}) \
        .status_code == 302
    with app.app_context():
        code = the_item().claim.pickup_code
    assert code in staff_client.get(page).get_data(as_text=True)
    refused = staff_client.post(page + "/hand-over", data={"pickup_code": code})
    assert refused.status_code == 422
    assert staff_client.post(page + "/hand-over", data={"pickup_code": code, "id_checked": "y"}).status_code == 302
    with app.app_context():
        assert the_item().state is ItemState.RETURNED


def test_lost_report_pages_and_link(app, staff_client, frozen):
    register_card(staff_client, description="black umbrella")
    response = staff_client.post("/lost-found/reports", data={
        "category": "umbrella", "what": "black umbrella", "lost_on": "2026-11-20", "name": "Els Visser",
        "pickup-phone": "", "phone": "0612345678", "language": "nl"})
    assert response.status_code == 302
    report_page = staff_client.get(response.location).get_data(as_text=True)
    assert "black umbrella" in report_page and "Els Visser" in report_page
    with app.app_context():
        from hostdesk.lostfound.models import LostReport

        report_id, item_id = db.session.scalars(sa.select(LostReport.id)).one(), the_item().id
    assert staff_client.post(f"/lost-found/reports/{report_id}/link/{item_id}").status_code == 302
    index = staff_client.get("/lost-found/").get_data(as_text=True)
    assert "Contact opnemen met de gast" in index
    with app.app_context():
        from hostdesk.lostfound.models import ActionPoint

        point_id = db.session.scalar(sa.select(ActionPoint.id))
    done = staff_client.post(f"/lost-found/action/{point_id}/done", data={"note": "left a message"},
                             headers={"HX-Request": "true"})
    assert done.status_code == 200 and "left a message" in done.get_data(as_text=True)
    again = staff_client.post(f"/lost-found/action/{point_id}/done", data={}, headers={"HX-Request": "true"})
    assert again.status_code == 409 and lands_in(again, "#toasts")
    bad = staff_client.post("/lost-found/reports", data={"category": "umbrella", "what": "", "lost_on": "x"})
    assert bad.status_code == 422
    assert staff_client.post(f"/lost-found/reports/{report_id}/close").status_code == 302


def test_retention_and_disposal_over_http(app, staff_client, client_for, frozen):
    from datetime import timedelta

    from hostdesk import clock

    register_card(staff_client)
    with app.app_context():
        item = the_item()
    too_early = staff_client.post(f"/lost-found/item/{item.id}/dispose",
                                  data={"method": "to_bank", "disposed_on": "2026-11-20", "witness": "Mila"})
    assert too_early.status_code == 409
    clock.advance(timedelta(days=8))
    from hostdesk.auth.models import Role

    staff_client = client_for(Role.STAFF)  # a new shift, a new login
    page = staff_client.get("/lost-found/retention").get_data(as_text=True)
    assert item.reference in page
    assert staff_client.post(f"/lost-found/item/{item.id}/dispose",
                             data={"method": "to_bank", "disposed_on": "2026-11-28", "witness": ""}).status_code == 422
    done = staff_client.post(f"/lost-found/item/{item.id}/dispose",
                             data={"method": "to_bank", "disposed_on": "2026-11-28", "witness": "Mila",
                                   "next": "retention"})
    assert done.status_code == 302
    with app.app_context():
        assert the_item().state is ItemState.DISPOSED
    assert item.reference not in staff_client.get("/lost-found/retention").get_data(as_text=True)


def test_index_filters_over_http(app, staff_client, frozen):
    register_card(staff_client)
    with app.app_context():
        item = the_item()
    assert item.reference in staff_client.get("/lost-found/?q=bank").get_data(as_text=True)
    assert item.reference not in staff_client.get("/lost-found/?q=umbrella").get_data(as_text=True)
    fragment = staff_client.get("/lost-found/?category=bank_card&state=in_storage&from=2026-11-01&until=bad",
                                headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith('<div id="lf-items">') and item.reference in fragment
    assert staff_client.get("/lost-found/?state=nonsense&category=bank").status_code == 200


def test_verify_without_a_name_returns_the_claim_fragment_with_the_error(app, staff_client, frozen):
    register_card(staff_client)
    with app.app_context():
        item = the_item()
    response = staff_client.post(f"/lost-found/item/{item.id}/verify", data={"claimant_name": "", "channel": "phone"},
                                 headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and body.lstrip().startswith('<section class="card lf-claim" id="claim"')
    assert 'class="error"' in body
    with app.app_context():
        assert the_item().failed_attempts == 0


def test_photo_with_too_many_pixels_is_refused(app_ctx):
    from hostdesk.errors import ValidationFailed
    from hostdesk.lostfound.photos import clean_photo

    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 megapixels, a few kB
    with pytest.raises(ValidationFailed):
        clean_photo(out.getvalue())
