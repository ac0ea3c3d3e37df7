"""The board's fragment rendered once per token and shared by every tablet (fragments.py), and the
one-card answer to a host's tap (views.changed): the same board as a full render."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from hostdesk import clock
from hostdesk.extensions import cache, db
from hostdesk.reservations import fragments, live, operations
from hostdesk.reservations.board import load_board
from hostdesk.reservations.models import State
from tests.statements import Statements

from .conftest import minutes

HX = {"HX-Request": "true"}


def _poll(client, token, **headers):
    return client.get(f"/host/board/poll?v={token}", headers={**HX, **headers})


def test_fragment_rendered_once_per_token(frozen, floor, make_res, host_client_en, actors):
    res = make_res("De Waard", 2, frozen + minutes(10))
    first = _poll(host_client_en, "0.0").get_data(as_text=True)
    with Statements(db.engine) as statements:
        again = _poll(host_client_en, "0.0").get_data(as_text=True)
    assert again == first
    assert not any("FROM reservations" in s for s in statements.seen)
    operations.arrive(res, actors["manager"])
    db.session.commit()
    fresh = _poll(host_client_en, "0.0").get_data(as_text=True)
    assert fresh != first and live.token() in fresh
    page = host_client_en.get("/host/").get_data(as_text=True)
    assert fresh in page


def test_nothing_of_the_request_or_the_person_gets_into_the_shared_fragment(app, frozen, floor, make_res, actors,
                                                                            host_client_en, manager_client_en):
    """Rendered apart for a host and a manager, each with their own CSRF token, the fragment is the
    same bytes: no token, name or role-dependent control of either is in it. The page around it
    carries this session's token and the manager's own controls."""
    res = make_res("De Waard", 2, frozen - minutes(2))
    operations.arrive(res, actors["host"])  # a greet card: timers and the "arrived by" name
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        cache.clear()
        host = _poll(host_client_en, "0.0")
        cache.clear()
        manager = _poll(manager_client_en, "0.0")
        assert host.get_data() == manager.get_data()
        assert host.headers["X-Server-Now"] == clock.utcnow().isoformat()
        html = host.get_data(as_text=True)
        assert "csrf" not in html.lower() and "data-now" not in html
        assert "Manager" not in html and "sec-note-form" not in html
        page = manager_client_en.get("/host/").get_data(as_text=True)
        form = re.search(r'<form id="board-actions" method="post" hidden data-now="([^"]+)">(.*?)</form>', page, re.S)
        assert form and form.group(1) == clock.utcnow().isoformat() and 'name="csrf_token"' in form.group(2)
        assert html in page
        greet = re.search(r'<button type="submit" form="board-actions" formaction="(/host/reservations/\d+/greet)" '
                          r'hx-post="\1"', page)
        assert greet, "a board button submits the page's form (no JavaScript) or posts by htmx"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_settings_change_shows_on_the_next_render_of_another_process(app, database_url, frozen, floor, make_res,
                                                                       actors, tmp_path):
    """Another process (its own app, its own cache) rendered the board before a manager changed a
    threshold elsewhere: its next render shows the new value, through the version's bump and, for a
    change the bump did not come with, through the settings in the fragment's key."""
    from hostdesk import create_app
    from hostdesk.settings import SettingValue, update_settings

    res = make_res("De Waard", 2, frozen - minutes(2))
    operations.arrive(res, actors["host"])
    db.session.commit()
    other = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": database_url,
                        "UPLOAD_FOLDER": str(tmp_path / "uploads")})

    def other_render() -> str:
        with other.test_request_context(headers={"Accept-Language": "en"}):
            return fragments.board_html()

    assert 'data-red="60"' in other_render()
    update_settings(actors["manager"], greet_red_seconds=90)
    db.session.commit()
    assert 'data-red="90"' in other_render()
    version = live.version()
    db.session.execute(sa.update(SettingValue).where(SettingValue.key == "greet_red_seconds").values(value=120))
    db.session.commit()
    assert live.version() == version  # no bump this time
    assert 'data-red="120"' in other_render()
    with other.app_context():
        db.engine.dispose()


def test_settings_change_is_a_new_board_version(app_ctx, actors):
    from hostdesk.settings import update_settings

    before = live.version()
    update_settings(actors["manager"], greet_amber_seconds=45)
    db.session.commit()
    assert live.version() == before + 1
    update_settings(actors["manager"], greet_amber_seconds=45)  # nothing changed: no new version
    db.session.commit()
    assert live.version() == before + 1


def _card_ids(html: str, section: str) -> list[int]:
    start = html.index(f'<div class="cards" id="cards-{section}">')
    end = html.index("</section>", start) if section not in ("seated", "later") else html.index("</details>", start)
    return [int(i) for i in re.findall(r'<article [^>]*id="res-(\d+)"', html[start:end])]


def test_a_tap_answers_only_its_change(frozen, floor, make_res, host_client_en, actors):
    early = make_res("Eerst", 2, frozen - minutes(5))
    res = make_res("De Waard", 4, frozen + minutes(10), tables=[floor["10"]])
    make_res("Later", 3, frozen + minutes(180))
    operations.arrive(early, actors["manager"])
    db.session.commit()
    clock.advance(timedelta(seconds=20))
    response = host_client_en.post(f"/host/reservations/{res.id}/arrive", headers=HX)
    assert response.status_code == 200 and response.headers["HX-Reswap"] == "none"
    html = response.get_data(as_text=True)
    assert html.index(f'hx-swap-oob="delete:#res-{res.id}"') < html.index('hx-swap-oob="beforeend:#cards-greet"')
    assert f'id="res-{res.id}"' in html and "Greet the De Waard party" in html and "table 10" in html
    assert 'id="count-greet" hx-swap-oob="true">2<' in html
    assert 'id="count-arriving" hx-swap-oob="true">0<' in html
    assert 'id="count-later" hx-swap-oob="true">1<' in html
    assert "2 parties are waiting to be greeted" in html
    assert re.search(r'<strong>6</strong> arrived', html)
    assert "Eerst" not in html and "Later" not in html  # no other card is rendered
    db.session.expire_all()
    assert db.session.get(type(res), res.id).state is State.ARRIVED
    # the full board the next poll brings has the card where the change put it
    board = host_client_en.get("/host/board/poll?v=0.0", headers=HX).get_data(as_text=True)
    assert _card_ids(board, "greet") == [early.id, res.id]


def test_each_forward_step_lands_at_the_end_of_its_section(frozen, floor, make_res, host_client_en, actors):
    """The change appends the card; the full board must agree that it is the last of its section."""
    others = [make_res(f"Gast {i}", 2, frozen - minutes(30 - i)) for i in range(3)]
    res = make_res("De Waard", 2, frozen - minutes(1), tables=[floor["10"]])
    clock.advance(timedelta(seconds=1))
    for other in others:
        operations.arrive(other, actors["host"])
        operations.greet(other, actors["host"])
    db.session.commit()
    clock.advance(timedelta(seconds=5))
    for action, section in (("arrive", "greet"), ("greet", "walk"), ("seat", "seated"), ("leave", "recent")):
        path = f"/host/reservations/{res.id}/seat" if action == "seat" else f"/host/reservations/{res.id}/{action}"
        html = host_client_en.post(path, headers=HX).get_data(as_text=True)
        assert f'hx-swap-oob="beforeend:#cards-{section}"' in html, action
        board = host_client_en.get("/host/board/poll?v=0.0", headers=HX).get_data(as_text=True)
        assert _card_ids(board, section)[-1] == res.id, action
        clock.advance(timedelta(seconds=3))


def test_a_refused_tap_changes_nothing(frozen, floor, make_res, host_client_en, actors):
    res = make_res("De Waard", 2, frozen + minutes(10))
    operations.arrive(res, actors["manager"])
    db.session.commit()
    version = live.version()
    response = host_client_en.post(f"/host/reservations/{res.id}/arrive", headers=HX)
    assert response.status_code == 409 and "Already marked arrived" in response.get_data(as_text=True)
    assert live.version() == version


def test_a_tap_costs_the_same_at_10_and_300_reservations(frozen, floor, make_res, host_client_en):
    def statements_of_a_tap(n_before: int) -> int:
        res = make_res(f"Tap {n_before}", 2, frozen + minutes(10))
        db.session.expire_all()
        with Statements(db.engine) as statements:
            assert host_client_en.post(f"/host/reservations/{res.id}/arrive", headers=HX).status_code == 200
        return len(statements.seen)

    statements_of_a_tap(0)  # the first change of all creates the board's version row
    for i in range(10):
        make_res(f"Gast {i}", 2, frozen + minutes(i * 3))
    ten = statements_of_a_tap(10)
    for i in range(290):
        make_res(f"Gast {i}", 2, frozen + minutes(i % 200))
    three_hundred = statements_of_a_tap(300)
    assert ten == three_hundred, (ten, three_hundred)


def test_a_tap_reads_its_party_with_guest_and_tables_in_one_query(frozen, floor, make_res, host_client_en):
    """The party comes in one read, its tables joined (no second read for them), and neither the acting
    person nor who did earlier steps is read again: the card needs neither."""
    tables = [floor["1"], floor["2"]]
    path = f"/host/reservations/{make_res('De Waard', 4, frozen + minutes(10), tables=tables).id}/arrive"
    db.session.expire_all()
    with Statements(db.engine) as statements:
        html = host_client_en.post(path, headers=HX).get_data(as_text=True)
    reads = [" ".join(s.split()) for s in statements.seen if s.lstrip().upper().startswith("SELECT")]
    party = [s for s in reads if "FROM reservations" in s and "reservation_tables" in s]
    assert len(party) == 1 and "JOIN guests" in party[0], reads
    assert not [s for s in reads if s.startswith("SELECT reservation_tables") or s.startswith("SELECT users")], reads
    assert "1 + 2 (window)" in html  # the card shows its tables all the same


def test_without_htmx_a_tap_still_redirects_to_the_board(frozen, floor, make_res, host_client_en):
    res = make_res("De Waard", 2, frozen + minutes(10))
    response = host_client_en.post(f"/host/reservations/{res.id}/arrive")
    assert response.status_code == 302 and response.headers["Location"].endswith("/host/")


def test_tally_counts_as_the_board_sorts(frozen, floor, make_res, actors):
    """The database's tally (what a tap sends back) equals the counts of the full board, for
    parties in every state and around every boundary (late, arriving window)."""
    import random

    from hostdesk.reservations.board import tally

    rng = random.Random(7)
    states = list(State)
    for i in range(120):
        state = rng.choice(states)
        at = frozen + timedelta(minutes=rng.randrange(-240, 360, 5))
        extra = {"arrived_at": frozen, "greeted_at": frozen, "seated_at": frozen, "quoted_wait_minutes": 15}
        make_res(f"G{i}", rng.randint(1, 8), at, state, **extra)
    for offset in (0, 7, 15, 31, 95):
        now = frozen + timedelta(minutes=offset)
        board, counted = load_board(now), tally(now)
        for section in board.SECTIONS:
            assert counted.count_of(section) == board.count_of(section), (offset, section)
        assert (counted.covers_expected, counted.covers_arrived, counted.covers_seated, counted.attention) == (
            board.covers_expected, board.covers_arrived, board.covers_seated, board.attention), offset
