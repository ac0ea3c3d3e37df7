"""More of the visit's rules, one by one (operations, without HTTP): the party size every way a party
is made allows, which states a host may cancel, what a step stores and audits (also without an
actor), and seating a party at the tables it was given."""
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy.orm.attributes import set_committed_value

from hostdesk import clock
from hostdesk.audit import entries_for
from hostdesk.errors import ValidationFailed
from hostdesk.extensions import db
from hostdesk.reservations import operations
from hostdesk.reservations.models import Guest, State
from hostdesk.reservations.operations import NeedsTable
from hostdesk.settings import update_settings

from .conftest import minutes


def _refused(error, call, *args) -> tuple[str, dict]:
    with force_locale("en"):
        with pytest.raises(error) as refused:
            call(*args)
        assert type(refused.value) is error
        return str(refused.value.message), refused.value.details


def _logged(res, action: str) -> list[tuple[int | None, dict]]:
    return [(e.actor_id, e.changes) for e in entries_for("reservations", res.id) if e.action == f"reservation.{action}"]


def _stored(res):
    """`res` as read back from the database."""
    db.session.commit()
    db.session.expire_all()
    return res


# The party size ------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [1, 2, 29, 30])
def test_a_party_of_one_up_to_the_largest_is_allowed(app_ctx, size):
    operations.check_party_size(size)


@pytest.mark.parametrize("size", [-1, 0, 31])
def test_a_party_outside_one_to_the_largest_is_refused_on_the_party_size_field(app_ctx, size):
    assert _refused(ValidationFailed, operations.check_party_size, size) == (
        "The party size must be between 1 and 30.", {"field": "party_size"})


def test_the_largest_party_is_the_restaurants_setting(app_ctx):
    update_settings(None, max_party_size=12)
    operations.check_party_size(12)
    assert _refused(ValidationFailed, operations.check_party_size, 13) == (
        "The party size must be between 1 and 12.", {"field": "party_size"})


# Which parties a host may cancel -------------------------------------------------------------

@pytest.mark.parametrize("state", list(State))
def test_only_a_booking_or_a_waiting_walk_in_can_be_cancelled(frozen, floor, make_res, state):
    res = make_res(state=state)
    assert operations.cancellable(res) is (state in (State.BOOKED, State.WAITING))


# What a step stores and audits ---------------------------------------------------------------

def test_a_step_stores_and_audits_who_took_it(frozen, floor, actors, make_res):
    res = make_res(state=State.ARRIVED, arrived_at=frozen)
    clock.advance(minutes(2))
    operations.greet(res, actors["host"])
    assert res.greeted_by is actors["host"]  # as returned, before any read back
    _stored(res)
    assert (res.changed_by_id, res.greeted_by_id, res.greeted_at) == (
        actors["host"].id, actors["host"].id, frozen + minutes(2))
    assert _logged(res, "greet") == [(actors["host"].id, {"state": ["arrived", "greeted"],
                                                          "greeted_at": (frozen + minutes(2)).isoformat()})]


def test_an_arrival_is_audited_with_when_and_how_many_are_here(frozen, floor, actors, make_res):
    res = make_res(size=4)
    operations.arrive(res, actors["host"], guests=3)
    assert res.arrived_by is actors["host"]
    assert _logged(res, "arrive") == [(actors["host"].id, {"state": ["booked", "arrived"],
                                                           "arrived_at": frozen.isoformat(), "arrived_guests": 3})]


def test_a_cancellation_without_an_actor_stores_and_audits_none(frozen, floor, make_res):
    res = make_res()
    operations.cancel(res, None)
    _stored(res)
    assert (res.state, res.changed_by_id, res.closed_at) == (State.CANCELLED, None, frozen)
    assert _logged(res, "cancel") == [(None, {"state": ["booked", "cancelled"], "closed_at": frozen.isoformat()})]


def test_a_time_is_shown_in_the_restaurants_zone_and_no_time_as_nothing(app_ctx, frozen):
    assert operations.local_hhmm(frozen) == "19:00"
    assert operations.local_hhmm(None) == ""


def test_a_step_by_someone_no_longer_known_names_someone(frozen, floor, actors, make_res):
    res = make_res(state=State.ARRIVED, arrived_at=frozen)  # who marked it is gone
    assert _refused(operations.AlreadyDone, operations.arrive, res, actors["host"])[0] == (
        "Already marked arrived by someone at 19:00.")


# Seating at the tables the party was given ---------------------------------------------------

def test_a_party_is_seated_at_its_own_table_when_it_fits_exactly(frozen, floor, actors, make_res):
    res = make_res(size=4, state=State.GREETED, greeted_at=frozen, tables=[floor["10"]])
    operations.seat(res, actors["host"])
    _stored(res)
    assert res.state is State.SEATED and res.table_names == "10"
    assert _logged(res, "tables") == [(actors["host"].id, {"tables": [floor["10"].id]})]


def test_a_party_larger_than_its_own_table_is_asked_for_a_table(frozen, floor, actors, make_res):
    res = make_res("Jansen", size=5, state=State.GREETED, greeted_at=frozen, tables=[floor["10"]])
    assert _refused(NeedsTable, operations.seat, res, actors["host"]) == ("Choose a table for Jansen.", {})
    db.session.rollback()
    assert res.state is State.GREETED


def test_a_party_without_a_table_is_asked_for_one(frozen, floor, actors, make_res):
    res = make_res("Jansen", state=State.ARRIVED, arrived_at=frozen)
    assert _refused(NeedsTable, operations.seat, res, actors["host"]) == ("Choose a table for Jansen.", {})


def test_a_second_tablet_seating_the_party_at_its_own_table_is_told_who_seated_it(frozen, floor, actors, make_res):
    res = make_res(state=State.GREETED, greeted_at=frozen, tables=[floor["10"]])
    operations.seat(res, actors["host"])
    db.session.commit()
    set_committed_value(res, "state", State.GREETED)  # what the second tablet read before the first one's tap
    clock.advance(minutes(1))
    assert _refused(operations.AlreadyDone, operations.seat, res, actors["manager"])[0] == (
        "Already seated at table 10 by Sanne at 19:00.")
    db.session.rollback()
    assert [actor for actor, _ in _logged(res, "seat")] == [actors["host"].id]


def test_seating_an_arrived_party_greets_it_by_the_same_host_and_counts_the_guests_visit(
        frozen, floor, actors, make_res):
    res = make_res(state=State.ARRIVED, arrived_at=frozen, guest=Guest(name="Bakker", visits=2))
    clock.advance(minutes(3))
    operations.seat(res, actors["manager"], [floor["10"]])
    _stored(res)
    assert (res.greeted_at, res.greeted_by_id) == (frozen + minutes(3), actors["manager"].id)
    assert (res.guest.visits, res.guest.last_visit_at) == (3, frozen + minutes(3))
    assert _logged(res, "tables") == [(actors["manager"].id, {"tables": [floor["10"].id]})]


def test_one_table_picked_by_hand_is_the_hosts_call_even_when_small(frozen, floor, make_res, actors):
    """Several tables must seat the party together; one table the host picks may take a chair more."""
    party = make_res("Jansen", 5, frozen, State.GREETED, greeted_at=frozen)
    operations.seat(party, actors["host"], [floor["10"]])  # 4 seats for 5 guests
    assert party.state is State.SEATED and [t.name for t in party.tables] == ["10"]
