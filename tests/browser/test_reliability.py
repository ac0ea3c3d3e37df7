"""Issue 6 in the browser: the losing tablet of a seating race shows the refusal (the real htmx,
CSRF header and toast). The server-side races are in tests/reliability."""
from __future__ import annotations

from hostdesk.auth.models import Role
from tests.reliability.data import add_parties, add_tables, open_seatings

SEAT = """([party, table]) => new Promise(done => {
  const path = `/host/reservations/${party}/seat`;
  const answered = e => {  // this seating's answer, not a board poll's that ends meanwhile
    if (e.detail.requestConfig.path !== path) return;
    document.body.removeEventListener('htmx:afterRequest', answered);
    done(e.detail.xhr.status);
  };
  document.body.addEventListener('htmx:afterRequest', answered);
  htmx.ajax('POST', path, {values: {table_ids: String(table)}, target: '#board', swap: 'outerHTML'});
})"""


def _board(tablet_page, live_server, role: Role):
    page = tablet_page(role)
    page.goto(f"{live_server}/host/")
    page.wait_for_load_state("networkidle")
    return page


def test_second_tablet_is_shown_who_has_the_table(app, tablet_page, live_server):
    table = add_tables(app, 1)[0]
    first_party, second_party = add_parties(app, 2)
    first = _board(tablet_page, live_server, Role.HOST)
    second = _board(tablet_page, live_server, Role.MANAGER)
    assert first.evaluate(SEAT, [first_party, table]) == 200
    assert second.evaluate(SEAT, [second_party, table]) == 409
    toast = second.locator("#toasts .toast-error")
    toast.wait_for()
    text = toast.inner_text()
    assert "T1" in text and "Party 1" in text and "is taken" not in text, text  # in Dutch, naming the occupant
    assert open_seatings(app, table) == 1
