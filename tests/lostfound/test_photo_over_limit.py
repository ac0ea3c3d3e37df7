"""A photo over the size limit, even one larger than any other request may be, is refused by the
registration form itself: the form again, the message in the user's language, everything typed kept
except the expected answers, which are never echoed; nothing stored."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.lostfound.models import FoundItem
from tests.security.test_uploads import _register_form

SECRET_ANSWER = "Knirps"  # what _register_form types as every expected answer


@pytest.mark.parametrize("size_mb", [11, 13, 40])  # over the photo's 10 MB; 13 and 40 over the app's 12 MB
@pytest.mark.parametrize("language,message", [
    ("en", "The photo is larger than 10 MB."),
    ("nl", "De foto is groter dan 10 MB."),
])
def test_a_photo_over_the_limit_answers_with_the_form_and_keeps_what_was_typed(app, users, client_for, size_mb,
                                                                                language, message):
    client = client_for(Role.STAFF)
    data = {**_register_form(client), "description": "zwarte paraplu met houten handvat",
            "where_found": "tafel 12", "storage_location": "kapstok achter"}
    photo = b"\xff\xd8" + b"\0" * (size_mb * 1024 * 1024)
    response = client.post("/lost-found/new/umbrella", data={**data, "photo": (io.BytesIO(photo), "big.jpg")},
                           content_type="multipart/form-data", headers={"Accept-Language": language})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert "zwarte paraplu met houten handvat" in body and "tafel 12" in body and "kapstok achter" in body
    assert f'value="{data["found_at"]}"' in body
    assert SECRET_ANSWER not in body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FoundItem)) == 0


def test_other_pages_keep_the_general_request_limit(app, users, client_for):
    client = client_for(Role.STAFF)
    response = client.post("/lost-found/reports", data={"description": "x" * (13 * 1024 * 1024)},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 413
