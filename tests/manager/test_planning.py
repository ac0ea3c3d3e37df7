"""The manager's side of the planning aids: pacing limits and learned turn times in the settings,
computed and overridden waitlist quotes and bookings over the pacing limit in the figures."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hostdesk.audit import record
from hostdesk.extensions import db
from hostdesk.manager import planning
from hostdesk.manager.figures import service_figures
from hostdesk.manager.stats import Period
from hostdesk.reservations import turntimes
from hostdesk.reservations.models import Source, State
from hostdesk.settings import SettingValue, get_settings
from tests.manager import factories as f
from tests.manager.helpers import settings_form_data

EN = {"Accept-Language": "en"}
NL = {"Accept-Language": "nl"}


def test_manager_sets_a_pacing_limit_per_service(app, manager_client):
    answer = manager_client.post("/manager/settings", data=settings_form_data(**{
        "pacing_limits-0-service": "dinner", "pacing_limits-0-covers": "12"}))
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(SettingValue, "pacing_limits").value == {"dinner": 12}
    refused = manager_client.post("/manager/settings", headers=EN, data=settings_form_data(**{
        "pacing_limits-0-service": "brunch", "pacing_limits-0-covers": "12"}))
    assert refused.status_code == 422 and "There is no service called brunch." in refused.get_data(as_text=True)


def test_settings_show_learned_turn_times_beside_the_managers_own(app_ctx, frozen, manager_client):
    for day in range(20):
        f.reservation(f.at(19, 18) - timedelta(days=day), 2, State.LEFT, seat=0).left_at = (
            f.at(19, 18) - timedelta(days=day) + timedelta(minutes=70))
    db.session.flush()
    turntimes.refresh()
    db.session.commit()
    page = manager_client.get("/manager/settings", headers=EN).get_data(as_text=True)
    table = page[page.index('id="learned-turn-times"'):]
    table = table[:table.index("</table>")]
    row = table[table.index("dinner</th><td>1–2"):]
    row = row[:row.index("</tr>")]
    assert "70 min" in row and ">20<" in row and "90 min" in row and "<strong>70 min</strong>" in row
    lunch = table[table.index("lunch</th><td>1–2"):]
    assert "<strong>90 min</strong>" in lunch[:lunch.index("</tr>")]  # nothing learned for lunch
    dutch = manager_client.get("/manager/settings", headers=NL).get_data(as_text=True)
    assert "Geleerde tafeltijden" in dutch


def test_quote_figures_tell_computed_and_overridden_quotes_apart(app_ctx, frozen, manager_client):
    def waited(quoted, computed, minutes_waited, start_minute):
        start = f.at(20, 17, start_minute)
        res = f.reservation(start, 2, State.SEATED, source=Source.WALK_IN, created=start, quoted=quoted,
                            called=start + timedelta(minutes=minutes_waited))
        res.computed_wait_minutes = computed

    waited(20, 20, 15, 0)   # computed, kept, came true
    waited(30, 30, 40, 5)   # computed, kept, too short
    waited(10, 25, 20, 10)  # overridden down: too short
    db.session.commit()
    day = f.at(20, 0).date()
    kinds = {q.kind: q for q in service_figures(Period("day", day, day), get_settings()).quotes}
    assert set(kinds) == {"computed", "overridden"}
    assert (kinds["computed"].parties, kinds["computed"].quoted_median, kinds["computed"].waited_median,
            kinds["computed"].within) == (2, 25.0, 27.5, 1)
    assert (kinds["overridden"].parties, kinds["overridden"].within_share) == (1, 0.0)
    page = manager_client.get("/manager/", query_string={"period": "day", "day": "2026-11-20"},
                              headers=EN).get_data(as_text=True)
    assert "Computed, kept" in page and "Overridden by the host" in page


def test_figures_list_bookings_over_the_pacing_limit_with_their_reason(app_ctx, frozen, manager_client, users):
    res = f.reservation(f.at(20, 19), 6, State.BOOKED)
    db.session.flush()
    record(None, "reservation.pacing_override", res, reason="regulars", slot="20:00", covers=14, limit=12)
    db.session.commit()
    page = manager_client.get("/manager/", query_string={"period": "day", "day": "2026-11-20"},
                              headers=EN).get_data(as_text=True)
    assert "14 covers from 20:00, limit 12" in page and "regulars" in page


def test_bookings_over_the_pacing_limit_are_read_from_their_own_index(app_ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan check reads SQLite's EXPLAIN QUERY PLAN")
    seen = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "audit_entries" in statement:
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        planning.pacing_overrides(f.at(1, 0), f.at(30, 0))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    (statement, parameters), = seen
    plan = " ".join(row[3] for row in db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                                               parameters))
    assert "ix_audit_action_at" in plan and "TEMP B-TREE" not in plan, plan
