"""Fixtures shared by tests/reliability and tests/security (imported by their conftest.py)."""
from __future__ import annotations

import logging
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from hostdesk import create_app
from hostdesk.auth.models import Role
from hostdesk.extensions import db
from tests.conftest import PASSWORDS, add_user, served_app

from .http import Answer, Client, Gunicorn, free_port


@pytest.fixture(scope="session")
def server(app, database_url):
    """The app with CSRF on, on a threaded local server, against the test database."""
    live_app = served_app(database_url, SECRET_KEY="server-secret", UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the test output
    http_server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http_server.server_port}"
    http_server.shutdown()


POLL = re.compile(r'hx-get="(/host/board/poll\?v=[^"]+)"')


def board_poll(page: str) -> str:
    """The poll URL, with the board's token, that the host page holds."""
    return unescape(POLL.search(page).group(1))


HOMES = {Role.HOST: "/host/", Role.STAFF: "/lost-found/", Role.MANAGER: "/manager/"}


def sign_in(base: str, role: Role = Role.HOST, language: str = "en", **extra) -> Client:
    """An HTTP client of the server at `base`, signed in as that role through the login form."""
    return Client(base, language).login(role.value, PASSWORDS[role], HOMES[role], **extra)


@pytest.fixture
def live_client(server, users):
    """live_client(Role.HOST, language="nl"): a logged-in HTTP client of the live server."""
    def make(role: Role = Role.HOST, language: str = "en", base: str | None = None) -> Client:
        return sign_in(base or server, role, language)

    return make


def new_database(url: str, upload_folder: str):
    """An app on a database of its own (a file, a private server): the schema made as the tests'
    conftest makes it, one user of each role. Returns the app and the users' ids by role."""
    from hostdesk.auth.passwords import use_cheap_hashing

    use_cheap_hashing()
    own = create_app({"TESTING": True, "SECRET_KEY": "own-database", "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_FOLDER": upload_folder, "WTF_CSRF_ENABLED": False})
    with own.app_context():
        db.create_all()
        ids = {role: add_user(role) for role in Role}
        db.engine.dispose()
    return own, ids


@pytest.fixture
def run_sh_gunicorn(tmp_path):
    """run_sh_gunicorn(database_url): gunicorn as run.sh starts it (2 workers of 1 thread) on a free
    loopback port, each answer logged with the worker that gave it; stopped after the test."""
    started: list[Gunicorn] = []

    def start(database_url: str) -> Gunicorn:
        started.append(Gunicorn(database_url, str(tmp_path), workers=2, threads=1, access_log=True))
        return started[-1]

    yield start
    for gunicorn in started:
        gunicorn.stop()


def waiting_connections(port: int) -> int:
    """Connections on 127.0.0.1:`port` that no worker has accepted yet (Linux: the listening
    socket's queue in /proc/net/tcp)."""
    local = f"0100007F:{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[3] == "0A":  # 0A: LISTEN
            return int(fields[4].split(":")[1], 16)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def hold_a_worker(server: Gunicorn) -> socket.socket:
    """A connection that sends nothing: the (sync) worker that accepts it waits on it, busy, until
    it is closed. Returns once a worker has accepted it."""
    connection = socket.create_connection(("127.0.0.1", server.port))
    deadline = time.monotonic() + 10
    while waiting_connections(server.port) and time.monotonic() < deadline:
        time.sleep(0.005)
    return connection


def on_each_worker(server: Gunicorn, ask: Callable[[], Answer], times: int = 2, last_from_each: bool = False,
                   limit: int = 200) -> list[tuple[int, Answer]]:
    """Repeat `ask()` until every worker of `server` has answered it `times` times (at most `limit`
    requests, one at a time); each answer with the pid of the worker that gave it. `last_from_each`:
    and the last answers came one from each worker (every worker has just answered).
    The kernel may hand every connection to one worker, so all workers but one are held busy,
    and after each answer the worker held longest takes the next: the workers answer in turn."""
    workers = set(server.worker_pids())
    answers: list[tuple[int, Answer]] = []
    held = deque(hold_a_worker(server) for _ in range(len(workers) - 1))
    try:
        for _ in range(limit):
            before = len(server.answers())
            answer = ask()
            answers.append((server.answered(before + 1)[before][0], answer))
            if all(sum(pid == worker for pid, _ in answers) >= times for worker in workers) and (
                    not last_from_each or {pid for pid, _ in answers[-len(workers):]} == workers):
                return answers
            held.append(hold_a_worker(server))  # the worker that has just answered
            held.popleft().close()
    finally:
        for connection in held:
            connection.close()
    raise AssertionError(f"{limit} requests did not reach every worker {sorted(workers)} {times} times: "
                         f"{[pid for pid, _ in answers]}")


POSTGRES_SETTINGS = """
listen_addresses = ''
port = {port}
unix_socket_directories = '{folder}'
# An asynchronous commit reaches the disk only when the WAL writer wakes (at most every 10 s) or
# when something else flushes the log: no vacuum, checkpoint or background write does so here.
wal_writer_delay = 10000ms
autovacuum = off
checkpoint_timeout = 1d
bgwriter_lru_maxpages = 0
"""


class PrivatePostgres:
    """A PostgreSQL server of the test's own, made with the machine's initdb and pg_ctl: its data and
    unix socket in a temporary folder, on a free port, no TCP. `crash()` kills every process of it."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="hostdesk-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@/hostdesk?host={self.folder}&port={self.port}"
        # initdb and the server refuse to run as root: then they run as the postgres user (or nobody).
        self.account = None
        if os.geteuid() == 0:
            names = [entry.pw_name for entry in pwd.getpwall()]
            self.account = pwd.getpwnam("postgres" if "postgres" in names else "nobody")
            os.chown(self.folder, self.account.pw_uid, self.account.pw_gid)

    def _run(self, program: str, *args: str) -> None:
        as_account = {} if self.account is None else {
            "user": self.account.pw_uid, "group": self.account.pw_gid, "extra_groups": []}
        done = subprocess.run([str(self.bindir / program), *args], cwd=self.folder, capture_output=True,
                              text=True, timeout=120, check=False, **as_account)
        assert done.returncode == 0, (program, args, done.stdout, done.stderr, self.log())

    def create(self) -> None:
        """The cluster (trust for its own socket only), its settings, the server started, database `hostdesk`."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale",
                  "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(POSTGRES_SETTINGS.format(port=self.port, folder=self.folder))
        self.start()
        admin = sa.create_engine(self.url.replace("/hostdesk?", "/postgres?"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE hostdesk")
        admin.dispose()

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")

    def postmaster(self) -> int | None:
        lock = self.data / "postmaster.pid"
        return int(lock.read_text().split("\n", 1)[0]) if lock.exists() else None

    def crash(self) -> None:
        """SIGKILL to the postmaster and all its children at once, as a crash would end them (no
        shutdown, nothing flushed); returns when every one of them is gone."""
        postmaster = self.postmaster()
        assert postmaster is not None and _alive(postmaster), "the private server is not running"
        os.kill(postmaster, signal.SIGSTOP)  # frozen: it starts no new child and sees none end meanwhile
        doomed = [*_children(postmaster), postmaster]  # each child is a session of its own: no killpg
        for pid in doomed:
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while any(_exists(pid) for pid in doomed):  # until reaped: a new postmaster checks the old pid
            assert time.monotonic() < deadline, f"still there after SIGKILL: {[p for p in doomed if _exists(p)]}"
            time.sleep(0.05)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def remove(self) -> None:
        try:
            postmaster = self.postmaster()
            if postmaster is not None and _alive(postmaster):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _exists(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        return _stat(pid)[0] != "Z"
    except FileNotFoundError:
        return False


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name: state, parent pid, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == parent:
                    found.append(int(entry.name))
            except FileNotFoundError:  # ended meanwhile
                continue
    return found


def postgres_programs() -> Path | None:
    """The folder of the machine's initdb and pg_ctl (on PATH or in /usr/local/bin), or None."""
    initdb = shutil.which("initdb", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/bin"]))
    if initdb is None or not (Path(initdb).parent / "pg_ctl").exists():
        return None
    return Path(initdb).parent


@pytest.fixture
def private_postgres(request):
    """A PostgreSQL server of the test's own (PrivatePostgres), stopped and removed afterwards. Skipped
    where initdb is missing, except in a run on PostgreSQL (TEST_DATABASE_URL), which must have it."""
    programs = postgres_programs()
    if programs is None:
        if os.environ.get("TEST_DATABASE_URL"):
            pytest.fail("initdb and pg_ctl are not on this machine, but a run on PostgreSQL needs them")
        pytest.skip("initdb and pg_ctl are not on this machine")
    own = PrivatePostgres(programs)
    request.addfinalizer(own.remove)
    own.create()
    return own
