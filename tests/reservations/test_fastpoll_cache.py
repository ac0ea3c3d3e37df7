"""What a worker remembers between unchanged polls (pollcache.py, used by fastpoll.py): most polls
need no read, and still no 204 outlives a change, an ended session or a limit by more than the
stated bounds (issue 7).

A change "in another worker" is made on a connection of its own, outside the app's session, so this
process hears nothing of it, exactly as with a second gunicorn worker. The worker's own clock for
its memory (`pollcache.monotonic`) is moved by hand; the app's clock by `clock.advance`.
"""
from __future__ import annotations

import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hostdesk import clock
from hostdesk.auth.models import AuthSession, Device, Role, User
from hostdesk.extensions import db
from hostdesk.reservations import live, pollcache
from hostdesk.reservations.fastpoll import PollShortcut
from hostdesk.reservations.models import BoardVersion, Reservation, Source, State
from hostdesk.settings import get_settings
from tests.conftest import PASSWORDS, login
from tests.statements import Statements

HX = {"HX-Request": "true"}


class Monotonic:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def worker(app, frozen, monkeypatch):
    """The shortcut with its memory's clock in hand; nothing remembered at the start."""
    shortcut = app.wsgi_app
    assert isinstance(shortcut, PollShortcut)
    monotonic = Monotonic()
    monkeypatch.setattr(pollcache, "monotonic", monotonic)
    shortcut.memory.forget()
    shortcut.monotonic = monotonic
    yield shortcut
    shortcut.memory.forget()


def _token(app) -> str:
    with app.app_context():
        return live.token()


def _poll(client, token):
    return client.get(f"/host/board/poll?v={token}", headers=HX)


def _remembered(app, client) -> str:
    """Poll until the worker has checked this client's session once; returns the token."""
    token = _token(app)
    assert _poll(client, token).status_code == 204  # the app's own 204, or the shortcut's after one read
    assert _poll(client, token).status_code == 204
    return token


def elsewhere(app, statement) -> None:
    """A change committed by another worker: its own connection, not this process's session."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(statement)


def _sessions(app, username: str):
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == username))
        return sa.update(AuthSession).where(AuthSession.user_id == user_id)


@pytest.fixture
def host(app, users, worker):
    return _logged_in(app, Role.HOST)


@pytest.fixture
def tablet(app, users, worker):
    client = app.test_client()
    assert login(client, "host", PASSWORDS[Role.HOST], shared_tablet="y", device_name="Door").status_code == 302
    return client


def _logged_in(app, role: Role):
    client = app.test_client()
    assert login(client, role.value, PASSWORDS[role]).status_code == 302
    return client


def test_most_polls_need_no_read(app, host, worker):
    token = _remembered(app, host)
    with Statements() as none:
        for _ in range(5):
            assert _poll(host, token).status_code == 204
    assert none.seen == []
    worker.monotonic.advance(worker.memory.version_seconds)
    with Statements() as version_only:
        assert _poll(host, token).status_code == 204
        assert _poll(host, token).status_code == 204
    assert len(version_only.seen) == 1 and "board_version" in version_only.seen[0]
    assert "auth_sessions" not in version_only.seen[0]
    worker.monotonic.advance(worker.memory.session_seconds)
    with Statements() as session_again:
        assert _poll(host, token).status_code == 204
    assert len(session_again.seen) == 1 and "auth_sessions" in session_again.seen[0]


def test_a_request_that_only_read_leaves_the_memory_alone(app, host, worker):
    """A read ends with a commit too (database.end_unwritten); only a commit that wrote makes the
    worker forget."""
    assert host.get("/host/").status_code == 200  # the first page puts a CSRF token in the cookie
    token = _remembered(app, host)
    before = pollcache.generation()
    assert host.get("/host/").status_code == 200
    assert pollcache.generation() == before
    with Statements() as none:
        assert _poll(host, token).status_code == 204
    assert none.seen == []


def _add_reservation(app) -> None:
    with app.app_context():
        s = get_settings()
        at = clock.utcnow() + timedelta(minutes=10)
        db.session.add(Reservation(name="De Waard", party_size=2, start_at=at, state=State.BOOKED,
                                   service_day=clock.service_day(at, s.zone, s.boundary), duration_minutes=90,
                                   source=Source.PHONE, created_at=clock.utcnow()))
        live.bump()
        db.session.commit()


def test_a_change_through_this_worker_is_seen_at_once(app, host, worker):
    token = _remembered(app, host)
    _add_reservation(app)  # commits through this process's session
    changed = _poll(host, token)
    assert changed.status_code == 200 and "De Waard" in changed.get_data(as_text=True)


def test_a_change_through_another_worker_within_the_version_bound(app, host, worker):
    token = _remembered(app, host)
    with app.app_context(), db.engine.begin() as conn:  # another worker's change
        if not conn.execute(sa.update(BoardVersion).values(version=BoardVersion.version + 1)).rowcount:
            conn.execute(sa.insert(BoardVersion).values(id=1, version=1))
    assert _poll(host, token).status_code == 204  # this worker has not looked again yet
    worker.monotonic.advance(worker.memory.version_seconds * 0.9)
    assert _poll(host, token).status_code == 204
    worker.monotonic.advance(worker.memory.version_seconds * 0.1)
    assert _poll(host, token).status_code == 200
    assert _poll(host, _token(app)).status_code == 204


def test_a_new_minute_needs_no_read(app, host, worker):
    token = _remembered(app, host)
    clock.advance(timedelta(seconds=61))
    new_minute = _token(app)
    with Statements() as statements:
        assert _poll(host, new_minute).status_code == 204
    assert statements.seen == []
    assert _poll(host, token).status_code == 200  # the old minute: the full path renders the board


def _end(app, username):
    return _sessions(app, username).values(ended_at=clock.utcnow())


def _deactivate(app, username):
    return sa.update(User).where(User.username == username).values(active=False)


def _demote(app, username):
    return sa.update(User).where(User.username == username).values(role=Role.STAFF)


def _revoke(app, _username):
    return sa.update(Device).values(revoked_at=clock.utcnow())


CHANGES = {"ended": _end, "deactivated": _deactivate, "demoted": _demote, "revoked": _revoke}


@pytest.mark.parametrize("change", CHANGES)
def test_through_another_worker_no_204_after_the_session_bound(app, host, tablet, worker, change):
    client = tablet if change == "revoked" else host
    token = _remembered(app, client)
    elsewhere(app, CHANGES[change](app, "host"))
    worker.monotonic.advance(worker.memory.session_seconds - 0.01)
    worker.memory.remember_version(int(token.split(".")[0]), pollcache.generation())  # only the session is old
    assert _poll(client, token).status_code == 204  # "unchanged", nothing more, until the bound
    worker.monotonic.advance(0.01)
    refused = _poll(client, token)
    assert refused.status_code in (401, 403)
    if refused.status_code == 401:
        assert refused.headers["HX-Redirect"]


@pytest.mark.parametrize("change", CHANGES)
def test_through_this_worker_no_204_at_once(app, host, tablet, worker, change):
    client = tablet if change == "revoked" else host
    token = _remembered(app, client)
    with app.app_context():
        db.session.execute(CHANGES[change](app, "host"))
        db.session.commit()
    assert _poll(client, token).status_code in (401, 403)


def test_logout_on_this_worker_at_once(app, host, worker):
    token = _remembered(app, host)
    other = app.test_client()
    other.set_cookie("hostdesk", host.get_cookie("hostdesk").value)
    assert host.post("/logout").status_code == 302
    assert _poll(other, token).status_code in (302, 401)


def test_the_pin_time_ends_on_time_while_remembered(app, tablet, worker):
    token = _remembered(app, tablet)
    with app.app_context():
        pin_minutes = get_settings().pin_idle_minutes
    clock.advance(timedelta(minutes=pin_minutes) - timedelta(seconds=1))
    token = _token(app)
    with Statements() as statements:
        assert _poll(tablet, token).status_code == 204
    assert statements.seen == []  # still remembered: the worker's own clock has not moved
    clock.advance(timedelta(seconds=2))
    idle = _poll(tablet, _token(app))
    assert idle.status_code == 401 and idle.headers["HX-Redirect"].endswith("/switch")
    with app.app_context():
        ended = db.session.scalars(sa.select(AuthSession.ended_at)).all()
    assert ended == [clock.utcnow()]  # the app ended it, as without the shortcut


def test_the_idle_limit_ends_on_time_while_remembered(app, host, worker):
    token = _remembered(app, host)
    clock.advance(app.config["SESSION_IDLE_LIMIT"] + timedelta(seconds=1))
    assert _poll(host, _token(app)).status_code in (302, 401)
    assert _poll(host, token).status_code in (302, 401)


def test_a_wrong_token_or_cookie_takes_the_full_path(app, host, worker):
    token = _remembered(app, host)
    with Statements() as statements:
        board = _poll(host, "1.2")
    assert board.status_code == 200 and 'id="board"' in board.get_data(as_text=True)
    assert any("auth_sessions" in s for s in statements.seen)
    forged = app.test_client()
    forged.set_cookie("hostdesk", host.get_cookie("hostdesk").value[:-3] + "abc")
    assert _poll(forged, token).status_code in (302, 401)
    staff = _logged_in(app, Role.STAFF)
    assert _poll(staff, token).status_code == 403
    assert _poll(staff, token).status_code == 403  # a refused session is never remembered


def _app_checked_login(statements) -> bool:
    """The app's login check ran: the session's row, or the login generation of one it remembers."""
    return any("auth_sessions" in s or "login_generation" in s for s in statements.seen)


def test_a_failing_memory_or_database_takes_the_full_path(app, host, worker, monkeypatch):
    token = _remembered(app, host)

    def broken(*_args):
        raise RuntimeError("memory lost")

    monkeypatch.setattr(worker.memory, "session_ok", broken)
    with Statements() as statements:
        assert _poll(host, token).status_code == 204
    assert _app_checked_login(statements)  # answered by the app's own checks
    monkeypatch.undo()
    worker.memory.forget()
    monkeypatch.setattr(worker, "_read", lambda *_args: None)  # the shortcut's read failed
    with Statements() as statements:
        assert _poll(host, token).status_code == 204
    assert _app_checked_login(statements)
    assert worker.memory.sessions == {}


def test_a_commit_during_the_read_is_not_missed(app, host, worker, monkeypatch):
    """The worker notes the commits it has seen before it reads: what it read during a commit is
    not trusted afterwards."""
    token = _remembered(app, host)
    worker.memory.forget()
    read = PollShortcut._read

    def read_then_commit(self, *args):
        row = read(self, *args)
        _add_reservation(app)  # another thread of this worker commits a change just after the read
        return row

    monkeypatch.setattr(PollShortcut, "_read", read_then_commit)
    assert _poll(host, token).status_code == 204  # read before the change
    monkeypatch.undo()
    assert _poll(host, token).status_code == 200


def test_threads_of_one_worker_never_answer_204_after_a_commit(app, host, worker):
    token = _remembered(app, host)
    cookie = host.get_cookie("hostdesk").value
    committed = threading.Event()
    stop = threading.Event()
    late_204s: list[int] = []
    errors: list[BaseException] = []

    def poller():
        client = app.test_client()
        client.set_cookie("hostdesk", cookie)
        try:
            while not stop.is_set():
                after = committed.is_set()
                status = _poll(client, token).status_code
                if after and status == 204:
                    late_204s.append(status)
        except BaseException as error:  # noqa: B036 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=poller) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        _add_reservation(app)
        committed.set()
        threading.Event().wait(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == [] and late_204s == []


def test_a_forked_worker_remembers_nothing(app, host, worker):
    _remembered(app, host)
    assert worker.memory.sessions and worker.memory.board is not None
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status only
        os._exit(0 if not worker.memory.sessions and worker.memory.board is None else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert worker.memory.sessions  # the parent keeps its own


def test_the_memory_stays_small(worker, monkeypatch):
    monkeypatch.setattr(pollcache, "MAX_SESSIONS", 3)
    later = clock.utcnow() + timedelta(minutes=5)
    for n in range(4):
        worker.memory.remember_session(f"cookie-{n}", later, 60.0, pollcache.generation())
    assert list(worker.memory.sessions) == ["cookie-3"]
    assert worker.memory.session_ok("cookie-3", clock.utcnow(), pollcache.generation())
    worker.memory.remember_session("short", later, 1.0, pollcache.generation())  # the cookie's own age limit
    worker.monotonic.advance(1.0)
    assert not worker.memory.session_ok("short", clock.utcnow(), pollcache.generation())


def test_a_commit_makes_the_worker_forget_the_version_too(worker):
    """Also a version stored late by a slow thread, read before a commit another thread's read saw."""
    before = pollcache.generation()
    worker.memory.remember_version(7, before)
    assert worker.memory.version(before) == 7
    pollcache.committed()
    assert worker.memory.version(pollcache.generation()) is None
