"""Two tablets, random host actions (Hypothesis rule-based state machine), real commits.

Invariants after every step: at most one open seating per table; only a seated party holds a
table, and a seated party holds one; one audit entry per change (and none for a refused tap);
the board version counts the changes exactly.
"""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from hostdesk.audit import AuditEntry
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from hostdesk.floor.models import Area, Table
from hostdesk.reservations.models import Assignment, BoardVersion, Reservation, State
from tests.htmx_answers import lands_in

from .data import add_parties, add_tables

PARTIES, TABLES = 5, 3
ACTIONS = ["arrive", "greet", "leave", "cancel", "undo"]


def _reset(app) -> tuple[list[int], list[int]]:
    with app.app_context():
        for model in (AuditEntry, Assignment, Reservation, BoardVersion, Table, Area):
            db.session.execute(sa.delete(model))
        db.session.commit()
    arrived = add_parties(app, PARTIES - 2, state=State.ARRIVED)
    return add_tables(app, TABLES), arrived + add_parties(app, 2, state=State.BOOKED, prefix="Booked")


def test_two_tablets_random_host_actions(app, client_for):
    tablets = [client_for(Role.HOST), client_for(Role.MANAGER)]
    tally: Counter = Counter()  # over all examples: the machine really seats, refuses and undoes

    class TwoTablets(RuleBasedStateMachine):
        @initialize()
        def fresh_floor(self):
            self.tables, self.parties = _reset(app)
            self.expected: Counter = Counter()
            self.changes = 0

        def _answer(self, response, party: int, actions: tuple[str, ...]):
            assert response.status_code in (200, 404, 409, 422), (response.status_code, response.get_data(True)[:300])
            tally[(actions[0], response.status_code)] += 1
            if response.status_code == 200:
                for action in actions:
                    self.expected[(party, action)] += 1
                self.changes += 1
            else:
                assert lands_in(response, "#toasts")  # the refusal is told

        @rule(tablet=st.integers(0, 1), party=st.integers(0, PARTIES - 1), action=st.sampled_from(ACTIONS))
        def tap(self, tablet, party, action):
            party_id = self.parties[party]
            response = tablets[tablet].post(f"/host/reservations/{party_id}/{action}", headers={"HX-Request": "true"})
            self._answer(response, party_id, (action,))

        @rule(tablet=st.integers(0, 1), party=st.integers(0, PARTIES - 1),
              tables=st.sets(st.integers(0, TABLES - 1), min_size=1, max_size=2))
        def seat(self, tablet, party, tables):
            party_id = self.parties[party]
            ids = ",".join(str(self.tables[t]) for t in sorted(tables))
            response = tablets[tablet].post(f"/host/reservations/{party_id}/seat", data={"table_ids": ids},
                                            headers={"HX-Request": "true"})
            self._answer(response, party_id, ("seat", "tables"))

        @invariant()
        def one_party_per_table_and_one_entry_per_change(self):
            if not hasattr(self, "tables"):
                return
            with app.app_context():
                occupied = db.session.execute(
                    sa.select(Assignment.table_id, Reservation.id, Reservation.state)
                    .join(Reservation).where(Assignment.occupied.is_(True))).all()
                per_table = Counter(table for table, _, _ in occupied)
                assert all(n == 1 for n in per_table.values()), occupied
                assert all(state is State.SEATED for _, _, state in occupied), occupied
                seated = set(db.session.scalars(sa.select(Reservation.id).where(Reservation.state == State.SEATED)))
                assert seated == {res for _, res, _ in occupied}
                entries = Counter((subject, action.removeprefix("reservation.").replace("no_show", "no-show"))
                                  for subject, action in db.session.execute(
                                      sa.select(AuditEntry.subject_id, AuditEntry.action)))
                assert entries == +self.expected
                version = db.session.scalar(sa.select(BoardVersion.version)) or 0
                assert version == self.changes

    run_state_machine_as_test(TwoTablets, settings=settings(
        max_examples=25, stateful_step_count=25, deadline=None, database=None,
        suppress_health_check=list(HealthCheck)))
    assert tally[("seat", 200)] and tally[("seat", 409)] and tally[("undo", 200)] and tally[("greet", 200)], tally
    print("state machine answers:", dict(tally))
