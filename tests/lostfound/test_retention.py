"""Retention queue, disposal, lost reports and the purge of personal data."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.errors import InvalidTransition, ValidationFailed
from hostdesk.extensions import db
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound import queries
from hostdesk.lostfound.models import (
    ActionKind,
    ActionPoint,
    Category,
    Channel,
    Claim,
    ClaimAttempt,
    DisposalMethod,
    ItemState,
    LostReport,
    ReportState,
)

from .conftest import right_answers


def test_retention_queue_and_disposal(make_item, manager, frozen):
    card, umbrella = make_item(), make_item(Category.UMBRELLA, "umbrella")
    assert queries.retention_queue() == []
    with pytest.raises(InvalidTransition):
        ops.dispose_item(manager, card, DisposalMethod.TO_BANK, frozen.date(), "Daan")
    clock.advance(timedelta(days=7, minutes=1))
    assert queries.retention_queue() == [card]
    assert queries.items(queries.ItemFilter(past_retention=True)) == [card]
    with pytest.raises(ValidationFailed):
        ops.dispose_item(manager, card, DisposalMethod.TO_BANK, clock.utcnow().date(), "  ")
    ops.dispose_item(manager, card, DisposalMethod.TO_BANK, clock.utcnow().date(), "Daan")
    assert card.state is ItemState.DISPOSED and card.disposal_witness == "Daan" and card.closed_at
    assert card.disposal_method is DisposalMethod.TO_BANK
    assert queries.retention_queue() == []
    clock.advance(timedelta(days=90))
    assert queries.retention_queue() == [umbrella]


def test_item_filters(make_item, staff, manager, frozen):
    card, umbrella = make_item(), make_item(Category.UMBRELLA, "folding umbrella with a strap")
    f = queries.ItemFilter
    assert queries.items(f(category=Category.UMBRELLA)) == [umbrella]
    assert queries.items(f(search="umbr")) == [umbrella]
    assert queries.items(f(search="folding umbrella")) == [umbrella]
    assert queries.items(f(search=card.reference.lower())) == [card]
    assert queries.items(f(search="2026-1")) == [card]
    assert queries.items(f(storage_location="office drawer 2", found_from=frozen.date(), found_until=frozen.date())) \
        == [umbrella, card]
    assert queries.items(f(found_from=frozen.date() + timedelta(days=1))) == []
    ops.add_action_point(staff, ActionKind.CALLBACK, item=card, due_at=frozen, note="14:00")
    assert queries.items(f(open_actions=True)) == [card]
    assert queries.due_action_points()[0].item == card
    for _ in range(3):
        ops.verify_claim(staff, umbrella, claimant_name="X", channel=Channel.PHONE, answers={})
    assert queries.items(f(claims_locked=True)) == [umbrella]
    assert queries.items(f(state=ItemState.IN_STORAGE)) == [umbrella, card]


def test_lost_report_matches_item_registered_later(make_item, staff, frozen):
    report = ops.report_lost(staff, category=Category.UMBRELLA, what="black umbrella with wooden handle",
                             lost_on=frozen.date(), where="terrace", name="Els Bakker", phone="0612345678")
    assert queries.suggested_items(report) == []
    item = make_item(Category.UMBRELLA, "umbrella")
    db.session.refresh(report)
    assert report.state is ReportState.MATCHED and report.item_id == item.id
    [point] = db.session.scalars(sa.select(ActionPoint).where(ActionPoint.kind == ActionKind.CONTACT_GUEST)).all()
    assert point.item_id == item.id and point.report_id == report.id and point.done_at is None


def test_suggestions_for_an_existing_report(make_item, staff, frozen):
    item = make_item(Category.GLASSES, "reading glasses in a red case")
    make_item(Category.UMBRELLA, "umbrella")
    report = ops.report_lost(staff, category=Category.GLASSES, what="glasses, red case", lost_on=frozen.date(),
                             name="Piet", email="piet@example.org")
    assert [i for i, _ in queries.suggested_items(report)][0] == item


@pytest.mark.parametrize("bad", [dict(what=""), dict(name=""), dict(phone="", email=""), dict(email="not-an-email"),
                                 dict(what="card 4111 1111 1111 1111")])
def test_lost_report_refuses_bad_input(app_ctx, staff, frozen, bad):
    values = dict(category=Category.BANK_CARD, what="bank card", lost_on=frozen.date(), name="Remco",
                  phone="0612345678")
    values.update(bad)
    with pytest.raises(ValidationFailed):
        ops.report_lost(staff, **values)


def test_purge_erases_personal_data_and_keeps_the_record(make_item, staff, frozen):
    report = ops.report_lost(staff, category=Category.BANK_CARD, what="bank card", lost_on=frozen.date(),
                             name="Remco de Waard", phone="0612345678", email="remco@example.org")
    item = make_item()
    assert report.item_id == item.id
    ops.verify_claim(staff, item, claimant_name="Remco de Waard", channel=Channel.PHONE, answers=right_answers(item))
    ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", email="remco@example.org",
                    phone="0612345678")
    ops.post_item(staff, item, posted_on=frozen.date(), carrier="PostNL", postage_cents=450)
    ops.confirm_arrival(staff, item, reply_note="Remco was very happy")
    open_item = make_item(description="another card")
    ops.verify_claim(staff, open_item, claimant_name="Open Claimant", channel=Channel.PHONE,
                     answers=right_answers(open_item))
    db.session.commit()
    assert ops.purge_personal_data() == 0
    clock.advance(timedelta(days=91))
    assert ops.purge_personal_data() == 2  # the closed item's claim and the report
    claim = db.session.scalar(sa.select(Claim).where(Claim.item_id == item.id))
    assert (claim.claimant_name, claim.phone, claim.email, claim.postal_address, claim.reply_note) == (None,) * 5
    assert claim.erased_at and claim.posted_on == frozen.date() and claim.postage_cents == 450
    report = db.session.get(LostReport, report.id)
    assert (report.name, report.phone, report.email) == (None, None, None) and report.what == "bank card"
    assert report.state is ReportState.CLOSED
    assert db.session.scalar(sa.select(ClaimAttempt.claimant_name).where(ClaimAttempt.item_id == item.id)) is None
    open_claim = db.session.scalar(sa.select(Claim).where(Claim.item_id == open_item.id))
    assert open_claim.claimant_name == "Open Claimant"
    assert ops.purge_personal_data() == 0


def test_purge_command(app, make_item):
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert result.exit_code == 0 and "erased personal data of 0 records" in result.output
