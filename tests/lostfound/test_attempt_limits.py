"""Guessing across items: failed verifications are limited per staff member and per claimant over
every item, not only per item, and each refusal is audited."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from hostdesk.audit import AuditEntry
from hostdesk.auth.models import Role, User
from hostdesk.extensions import db
from hostdesk.lostfound import claims as ops
from hostdesk.lostfound.errors import TooManyAttempts
from hostdesk.lostfound.models import AttemptOutcome, Channel
from tests.lostfound.conftest import right_answers, wrong_answers


def attempt(actor, item, answers, name="Remco de Waard"):
    return ops.verify_claim(actor, item, claimant_name=name, channel=Channel.PHONE, answers=answers)


def refusals(scope):
    return [e for e in db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "lostfound.claim_refused_limit")) if e.changes["scope"] == scope]


@pytest.fixture
def colleague(make_user):
    return make_user(Role.STAFF, username="sanne")


@pytest.fixture
def items(make_item):
    return [make_item(description=f"bank card {n}") for n in range(12)]


def test_a_staff_member_cannot_guess_across_every_item(app, colleague, items, staff):
    limit = app.config["CLAIM_MAX_FAILURES_PER_STAFF"]
    for n in range(limit):  # one or two wrong tries per item stay below the item's own lock
        item = items[n // 2]
        assert attempt(staff, item, wrong_answers(item), name=f"Claimant {n}").outcome is AttemptOutcome.FAILED
    fresh = items[-1]
    with pytest.raises(TooManyAttempts):
        attempt(staff, fresh, right_answers(fresh), name="Someone Else")
    assert len(refusals("staff")) == 1 and refusals("staff")[0].actor_id == staff.id
    assert "Someone" not in repr(refusals("staff")[0].changes)  # no claimant's name in the trail
    other = db.session.get(User, colleague)
    assert attempt(other, fresh, right_answers(fresh), name="Someone Else").outcome is AttemptOutcome.VERIFIED


def test_one_claimant_cannot_guess_across_items_with_several_staff(app, items, staff, manager):
    limit = app.config["CLAIM_MAX_FAILURES_PER_CLAIMANT"]
    for n in range(limit):
        actor, item = (staff, manager)[n % 2], items[n]
        spelled = ("Remco de Waard", "  remco DE waard ", "Rémco de Waard")[n % 3]
        assert attempt(actor, item, wrong_answers(item), name=spelled).outcome is AttemptOutcome.FAILED
    item = items[limit]
    with pytest.raises(TooManyAttempts):
        attempt(manager, item, right_answers(item), name="REMCO DE WAARD")
    assert len(refusals("claimant")) == 1
    assert attempt(staff, item, right_answers(item), name="Jan Jansen").outcome is AttemptOutcome.VERIFIED


def test_the_refusal_is_a_translated_429_on_the_item_page(app, items, staff_client, users):
    with app.app_context():
        staff = db.session.get(User, users[Role.STAFF])
        for n in range(app.config["CLAIM_MAX_FAILURES_PER_CLAIMANT"]):
            item = db.session.merge(items[n])
            attempt(staff, item, wrong_answers(item))
        db.session.commit()
        item_id = items[-1].id
    response = staff_client.post(f"/lost-found/item/{item_id}/verify", headers={"Accept-Language": "nl"},
                                 data={"claimant_name": "Remco de Waard", "channel": "phone"})
    assert response.status_code == 429
    assert "Te veel mislukte controles" in response.get_data(as_text=True)
