"""The disposal rules, one at a time: which states may be disposed of, the retention period to the
moment, the witness and the day, what is stored and audited, and how a second tablet is answered."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.errors import AlreadyDone, InvalidTransition, ValidationFailed
from hostdesk.extensions import db
from hostdesk.lostfound import operations as ops
from hostdesk.lostfound.models import ActionKind, ActionPoint, Category, Channel, DisposalMethod, FoundItem, ItemState

from .conftest import right_answers

CLOSED_BY_DISPOSAL = "Closed: the item was disposed of"


def english(refused) -> str:
    with force_locale("en"):
        return str(refused.value.message)


def reloaded(item: FoundItem) -> FoundItem:
    """The item as stored, not as this session last saw it."""
    item_id = item.id
    db.session.expire_all()
    return db.session.get(FoundItem, item_id)


def bring_to(item, state, staff):
    """A fresh bank card brought to `state` by the allowed path (disposal excepted)."""
    if state is ItemState.IN_STORAGE:
        return
    ops.verify_claim(staff, item, claimant_name="Remco de Waard", channel=Channel.PHONE, answers=right_answers(item))
    if state is ItemState.AWAITING_PICKUP or state is ItemState.RETURNED:
        ops.choose_pickup(staff, item, phone="0612345678")
        if state is ItemState.RETURNED:
            ops.hand_over(staff, item, pickup_code=item.claim.pickup_code, id_checked=True)
    elif state is ItemState.POSTED:
        ops.choose_post(staff, item, postal_address="Dorpsstraat 1, 1234 AB Ergens", phone="0612345678")
        ops.post_item(staff, item, posted_on=clock.utcnow().date())


def past_retention():
    clock.advance(timedelta(days=8))  # a bank card is kept 7 days
    return clock.utcnow().date()


# --- ensure_disposable: asked before the disposal form is read --------------------------------------------

def test_an_item_in_storage_may_be_disposed_of_even_before_its_form_is_read(make_item, frozen):
    item = make_item()
    assert ops.ensure_disposable(item) is None
    assert item.state is ItemState.IN_STORAGE


@pytest.mark.parametrize(("state", "label"), [
    (ItemState.CLAIM_VERIFIED, "Claim verified"), (ItemState.AWAITING_PICKUP, "Awaiting pickup"),
    (ItemState.POSTED, "Posted"), (ItemState.RETURNED, "Returned")])
def test_only_an_item_in_storage_is_disposable(make_item, staff, frozen, state, label):
    item = make_item()
    bring_to(item, state, staff)
    with pytest.raises(InvalidTransition) as refused:
        ops.ensure_disposable(item)
    assert english(refused) == f"Not possible while the item is “{label}”."


def test_a_disposed_item_is_not_disposable_again(make_item, manager, frozen):
    item = make_item()
    ops.dispose_item(manager, item, DisposalMethod.DESTROYED, past_retention(), "Mila")
    with pytest.raises(InvalidTransition) as refused:
        ops.ensure_disposable(item)
    assert english(refused) == "Not possible while the item is “Disposed”."


# --- the state machine of dispose_item (and move) ---------------------------------------------------------

@pytest.mark.parametrize(("state", "label"), [
    (ItemState.CLAIM_VERIFIED, "Claim verified"), (ItemState.POSTED, "Posted"), (ItemState.RETURNED, "Returned")])
def test_disposal_is_refused_outside_storage_naming_the_state(make_item, staff, manager, frozen, state, label):
    item = make_item()
    bring_to(item, state, staff)
    for moment in ("within retention", "past retention"):
        with pytest.raises(InvalidTransition) as refused:
            ops.dispose_item(manager, item, DisposalMethod.DESTROYED, clock.utcnow().date(), "Mila")
        assert english(refused) == f"Not possible while the item is “{label}”.", moment
        stored = reloaded(item)
        assert (stored.state, stored.disposal_method, stored.disposal_witness) == (state, None, None)
        item = stored
        clock.advance(timedelta(days=8))
    assert [e.action for e in entries_for("lf_item", item.id) if e.action == "lostfound.dispose"] == []


def test_disposing_twice_is_told_it_was_already_done(make_item, manager, frozen):
    item = make_item()
    day = past_retention()
    ops.dispose_item(manager, item, DisposalMethod.TO_BANK, day, "Mila")
    clock.advance(timedelta(days=1))
    with pytest.raises(AlreadyDone) as refused:
        ops.dispose_item(manager, item, DisposalMethod.DESTROYED, clock.utcnow().date(), "Daan")
    assert english(refused) == "This was already done (Disposed)."
    stored = reloaded(item)
    assert (stored.disposal_method, stored.disposed_on, stored.disposal_witness) == (
        DisposalMethod.TO_BANK, day, "Mila")
    assert [e.action for e in entries_for("lf_item", item.id)].count("lostfound.dispose") == 1


def test_disposing_one_item_leaves_the_others_in_storage(make_item, manager, frozen):
    first, second = make_item(), make_item(description="another bank card")
    day = past_retention()
    ops.dispose_item(manager, first, DisposalMethod.TO_BANK, day, "Mila")
    other = reloaded(second)
    assert (other.state, other.disposal_method, other.disposed_on, other.disposal_witness, other.closed_at) == (
        ItemState.IN_STORAGE, None, None, None, None)
    ops.dispose_item(manager, other, DisposalMethod.TO_POLICE, day, "Daan")
    assert reloaded(other).state is ItemState.DISPOSED


# --- what a disposal stores, audits and closes ---------------------------------------------------------------

def test_disposal_stores_method_day_and_witness(make_item, manager, frozen):
    item = make_item()
    past_retention()
    yesterday = clock.utcnow().date() - timedelta(days=1)
    ops.dispose_item(manager, item, DisposalMethod.TO_POLICE, yesterday, "  Mila Jansen ")
    stored = reloaded(item)
    assert (stored.state, stored.disposal_method, stored.disposed_on, stored.disposal_witness, stored.closed_at) == (
        ItemState.DISPOSED, DisposalMethod.TO_POLICE, yesterday, "Mila Jansen", clock.utcnow())


def test_disposal_is_audited_with_method_day_and_witness(make_item, manager, frozen):
    item = make_item()
    past_retention()
    yesterday = clock.utcnow().date() - timedelta(days=1)
    ops.dispose_item(manager, item, "donated", yesterday, "Mila Jansen")
    [entry] = [e for e in entries_for("lf_item", item.id) if e.action == "lostfound.dispose"]
    assert entry.actor_id == manager.id
    assert entry.changes == {"method": "donated", "disposed_on": yesterday.isoformat(), "witness": "Mila Jansen"}


def test_disposal_closes_the_open_action_points_in_the_managers_name(make_item, staff, manager, frozen):
    item = make_item()
    point = ops.add_action_point(staff, ActionKind.CALLBACK, item=item, due_at=frozen + timedelta(hours=2),
                                 owner=staff, note="call back after 17:00")
    past_retention()
    with force_locale("en"):  # the note is written in the language of the one who disposes
        ops.dispose_item(manager, item, DisposalMethod.DESTROYED, clock.utcnow().date(), "Mila")
    point = db.session.get(ActionPoint, point.id)
    db.session.refresh(point)
    assert (point.done_at, point.done_by_id, point.done_note) == (clock.utcnow(), manager.id, CLOSED_BY_DISPOSAL)
    [done] = [e for e in entries_for("lf_item", item.id) if e.action == "lostfound.action_done"]
    assert done.actor_id == manager.id


# --- the retention period -------------------------------------------------------------------------------

def test_disposal_waits_for_the_retention_period_to_the_moment(make_item, manager, frozen):
    item = make_item()
    clock.freeze(item.dispose_after - timedelta(microseconds=1))
    with pytest.raises(InvalidTransition) as refused:
        ops.dispose_item(manager, item, DisposalMethod.DESTROYED, clock.utcnow().date(), "Mila")
    assert english(refused) == "The retention period has not passed yet."
    assert reloaded(item).state is ItemState.IN_STORAGE
    item = reloaded(item)
    clock.freeze(item.dispose_after)  # the moment the retention queue lists it
    ops.dispose_item(manager, item, DisposalMethod.DESTROYED, clock.utcnow().date(), "Mila")
    assert reloaded(item).state is ItemState.DISPOSED


# --- the witness ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("witness", ["", "   "])
def test_disposal_needs_a_witness(make_item, manager, frozen, witness):
    item = make_item()
    with pytest.raises(ValidationFailed) as refused:
        ops.dispose_item(manager, item, DisposalMethod.DESTROYED, past_retention(), witness)
    assert english(refused) == "Name the witness of the disposal."
    assert reloaded(item).state is ItemState.IN_STORAGE


def test_the_witness_is_at_most_80_characters(make_item, manager, frozen):
    item = make_item()
    day = past_retention()
    with pytest.raises(ValidationFailed) as refused, force_locale("en"):  # the field is named in English
        ops.dispose_item(manager, item, DisposalMethod.DESTROYED, day, "W" * 81)
    assert english(refused) == "Witness is at most 80 characters."
    assert reloaded(item).state is ItemState.IN_STORAGE
    item = reloaded(item)
    ops.dispose_item(manager, item, DisposalMethod.DESTROYED, day, "W" * 80)
    assert reloaded(item).disposal_witness == "W" * 80


def test_a_witness_with_a_control_character_is_refused_naming_the_field(make_item, manager, frozen):
    item = make_item()
    with pytest.raises(ValidationFailed) as refused, force_locale("en"):
        ops.dispose_item(manager, item, DisposalMethod.DESTROYED, past_retention(), "Mila\x00")
    assert english(refused) == "Witness contains characters that cannot be stored."


def test_a_card_items_witness_may_hold_no_run_of_twelve_digits(make_item, manager, frozen):
    card, umbrella = make_item(), make_item(Category.UMBRELLA, "umbrella")
    clock.advance(timedelta(days=91))  # past an umbrella's retention too
    witness = "Mila 1234 5678 9012"  # twelve digits, not a valid card number
    with pytest.raises(ValidationFailed) as refused, force_locale("en"):
        ops.dispose_item(manager, card, DisposalMethod.TO_BANK, clock.utcnow().date(), witness)
    assert english(refused) == ("“Witness” holds a run of 12 or more digits. Never write down a card number: "
                                "for a bank card keep at most the last 4 digits.")
    assert reloaded(card).state is ItemState.IN_STORAGE
    umbrella = reloaded(umbrella)
    ops.dispose_item(manager, umbrella, DisposalMethod.DONATED, clock.utcnow().date(), witness)  # not a card item
    assert reloaded(umbrella).disposal_witness == witness


# --- the day of disposal -----------------------------------------------------------------------------------

def test_the_disposal_day_is_the_restaurants_today_or_earlier(make_item, manager, frozen):
    item = make_item()
    # 23:30 UTC on 28 November is already 29 November in Amsterdam (UTC+1)
    clock.freeze(datetime(2026, 11, 28, 23, 30, tzinfo=timezone.utc))
    with pytest.raises(ValidationFailed) as refused:
        ops.dispose_item(manager, item, DisposalMethod.DESTROYED, date(2026, 11, 30), "Mila")
    assert english(refused) == "The disposal date cannot be in the future."
    item = reloaded(item)
    assert item.state is ItemState.IN_STORAGE
    ops.dispose_item(manager, item, DisposalMethod.DESTROYED, date(2026, 11, 29), "Mila")
    assert reloaded(item).disposed_on == date(2026, 11, 29)

