"""One backend's run: build (or reuse) the data set, serve it as run.sh does, find how many tablets
it holds, time the manager's pages and the export, then two tablets in Chromium."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from . import capacity, pages
from .client import VERSION, Login, login
from .generate import LOGINS, Scale, bring_up_to_date, build
from .recycle import engine_for, reset
from .schedule import Cadence
from .server import ROOT, cpu_seconds, machine_ticks, memory_mb, reset_peak, serve, wait_until_quiet, workers

SECRET = "hostdesk-bench-secret-not-for-production"  # noqa: S105 (a throw-away bench database)
# The host logins the simulated tablets enrol with, in turn (generate.make_users makes them).
HOSTS = [("host", LOGINS["host"][0])] + [(f"host{i}", f"host-pass-{i}-bench") for i in range(1, 5)]
TAPPED = ("reservation.arrive", "reservation.greet", "reservation.seat")
AWAKE_SECONDS = 300
# gevent resolves each new connection's address in a thread pool by default; 127.0.0.1 needs no
# lookup, and handing every connect to a thread costs the load generator CPU (gunicorn's sync
# worker closes every connection, so every request connects anew).
TABLETS_ENV = {**os.environ, "GEVENT_RESOLVER": "block"}


@dataclass
class Options:
    steps: list[int]
    seconds: float = 30.0
    seed: int = 7
    browser: bool = True
    reuse: bool = False
    repeat: int = 20  # requests per manager page
    page_seconds: float = 60.0  # at most, per manager page (at least three requests)


@dataclass
class BackendResult:
    backend: str
    steps: list[capacity.Step] = field(default_factory=list)
    pages: list[pages.Timing] = field(default_factory=list)
    export: pages.Export | None = None
    browser: object | None = None
    build_seconds: float = 0.0
    data: dict[str, int] = field(default_factory=dict)
    schema: str = ""
    parties: int = 0  # today's booked parties the tablets tap
    tables: int = 0  # tables free for seating them


def make_app(url: str):
    from hostdesk import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})


def existing_rows(app) -> dict[str, int]:
    """Row counts of a database an earlier run built (empty when there is none)."""
    from hostdesk.extensions import db

    with app.app_context():
        inspector = sa.inspect(db.engine)
        if not inspector.has_table("reservations"):
            return {}
        present = set(inspector.get_table_names())  # a data set built before a migration lacks its tables
        return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
                for t in db.metadata.sorted_tables if t.name in present}


@dataclass
class Door:
    """Today at the door: the service day, the booked parties the tablets tap, the tables free to seat them."""

    today: object
    parties: list[int]
    tables: list[int]


def door(app) -> Door:
    from hostdesk import clock
    from hostdesk.extensions import db
    from hostdesk.floor.models import Table
    from hostdesk.reservations.models import Assignment
    from hostdesk.settings import get_settings

    from .data_today import booked_today

    with app.test_request_context():
        settings = get_settings()
        today = clock.service_day(clock.utcnow(), settings.zone, settings.boundary)
        occupied = sa.select(Assignment.table_id).where(Assignment.occupied.is_(True))
        tables = list(db.session.scalars(sa.select(Table.id).where(Table.active.is_(True), Table.id.not_in(occupied))
                                         .order_by(Table.id)))
        found = Door(today, booked_today(today), tables)
        db.session.remove()
        return found


def transitions(engine: sa.Engine) -> int:
    """The parties' steps recorded so far: the audit entries of arrive, greet and seat."""
    from hostdesk.audit import AuditEntry

    with engine.connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(AuditEntry.__table__)
                                 .where(AuditEntry.__table__.c.action.in_(TAPPED)))


class Tablets:
    """The simulated tablets' logins (one enrolled shared tablet each, through the login form) and
    their steps, each in a process of its own (tablets.py)."""

    def __init__(self, base: str, master: int, url: str, door: Door, options: Options, results: Path, log):
        self.base, self.master, self.url, self.door = base, master, url, door
        self.options, self.results, self.log = options, results, log
        self.logins: list[Login] = []
        self.used: list[float] = []  # when each tablet last made a request that counts as activity
        self.engine = engine_for(url)

    def enrol(self, count: int) -> None:
        """Log in tablets until there are `count` (each login costs the server a password check)."""
        missing = range(len(self.logins), count)
        if not missing:
            return
        self.log(f"  enrolling tablets {missing.start + 1:,} to {count:,}")

        def one(number: int) -> tuple[Login, float]:
            user, password = HOSTS[number % len(HOSTS)]
            for attempt in range(3):  # a busy machine may keep a login waiting past its timeout
                try:
                    return login(self.base, user, password, tablet=f"Bench tablet {number + 1}"), time.monotonic()
                except OSError:
                    if attempt == 2:
                        raise
                    self.quiet()

        with ThreadPoolExecutor(max_workers=2) as pool:  # one login a worker at a time
            for enrolled, at in pool.map(one, missing):
                self.logins.append(enrolled)
                self.used.append(at)

    def keep_awake(self, count: int) -> None:
        """A shared tablet's login ends after the PIN idle time (10 minutes by default) without a tap
        or a page: the first `count` tablets idle for half of that load the host page once more."""
        stale = [n for n in range(count) if time.monotonic() - self.used[n] > AWAKE_SECONDS]
        if stale:
            self.log(f"  {len(stale):,} tablets idle for {AWAKE_SECONDS // 60} minutes load the page again")
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(lambda n: board_token(self.base, self.logins[n]), stale))
            for n in stale:
                self.used[n] = time.monotonic()

    def book_again(self) -> None:
        """Every party the tablets tap booked again, tables free (between steps, not measured)."""
        with self.engine.begin() as connection:
            reset(connection, self.door.parties)

    def quiet(self) -> None:
        if not wait_until_quiet(self.base + "/login"):
            self.log("  the server still answers slowly after three minutes; going on")

    def step(self, tablets: int) -> capacity.Step:
        self.quiet()
        self.enrol(tablets)
        self.keep_awake(tablets)
        self.book_again()
        self.quiet()  # nothing queued from the logins or the last step
        token = board_token(self.base, self.logins[0])
        config = {"base": self.base, "tablets": tablets, "seconds": self.options.seconds,
                  "seed": self.options.seed * 100_000 + tablets, "token": token, "database_url": self.url,
                  "sessions": [{"cookie": x.cookie, "csrf": x.csrf} for x in self.logins[:tablets]],
                  "parties": self.door.parties, "tables": self.door.tables}
        before_steps = transitions(self.engine)
        result = measure(config, self.results, self.master)
        if self.options.seconds >= Cadence().tap:  # every tablet tapped in the step: active
            self.used[:tablets] = [time.monotonic()] * tablets
        self.quiet()  # what an overloaded step left queued is answered before anything else is measured
        result.transitions = transitions(self.engine) - before_steps
        self.book_again()
        return result


def measure(config: dict, results: Path, master: int) -> capacity.Step:
    """One step of tablets (`python -m bench.tablets`, a process of its own) against the server of
    gunicorn master `master`, with the CPU its workers, the load generator and others used meanwhile."""
    config_path, out_path = results / "tablets-config.json", results / "tablets-out.json"
    config_path.write_text(json.dumps(config))
    out_path.unlink(missing_ok=True)
    with Watch(workers(master)) as watch:
        done = subprocess.run([sys.executable, "-m", "bench.tablets", str(config_path), str(out_path)],  # noqa: S603
                              cwd=ROOT, env=TABLETS_ENV, capture_output=True, text=True,
                              timeout=config["seconds"] + 180, check=False)
    if done.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"the tablets' process failed ({done.returncode}): {done.stderr[-2000:]}")
    result = capacity.Step.from_json(json.loads(out_path.read_text()))
    result.server_cpu = watch.server_cpu  # nearly all of it within the step's seconds
    result.others_cores = watch.others_cores
    return result


def generator_check(tablets: int, seconds: float, results: Path, seed: int = 7) -> capacity.Step:
    """`tablets` tablets against the stub (stub.py), which answers as the board does at almost no
    cost: what the load generator itself uses at that rate, whatever the app's speed."""
    with serve("bench.stub:app", {}, results / "stub-gunicorn.log") as (base, master):
        config = {"base": base, "tablets": tablets, "seconds": seconds, "seed": seed, "token": "",
                  "database_url": None, "sessions": [{"cookie": "none", "csrf": "none"}] * tablets,
                  "parties": list(range(1, 301)), "tables": list(range(1, 61))}
        return measure(config, results, master)


class Watch:
    """CPU around a step: the server's workers, the load generator's processes (this process's
    children) and the whole machine, whose rest is other processes' (a shared machine's)."""

    def __init__(self, pids: list[int]):
        self.pids = pids

    def __enter__(self) -> Watch:
        self.started, self.ticks = time.monotonic(), machine_ticks()
        self.cpu, self.children = cpu_seconds(self.pids), _children_cpu()
        return self

    def __exit__(self, *_exc) -> None:
        self.seconds = time.monotonic() - self.started
        busy, total = (after - before for after, before in zip(machine_ticks(), self.ticks, strict=True))
        self.server_cpu = cpu_seconds(self.pids) - self.cpu
        load = _children_cpu() - self.children
        busy_cores = busy / total * (os.cpu_count() or 1) if total else 0.0
        self.others_cores = max(0.0, busy_cores - (self.server_cpu + load) / self.seconds)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def board_token(base: str, who: Login) -> str:
    """The board token of the host page as it is now: what a tablet that just loaded it polls with."""
    answer = pages.fetch(base, "/host/", who.headers())
    match = VERSION.search(answer.body.decode("utf-8", "replace"))
    if answer.status != 200 or match is None:
        raise RuntimeError(f"the host page answered {answer.status} without a board version")
    return match.group(1)


def chromium_ready(log) -> bool:
    import importlib.util

    from .browser import CHROMIUM

    if importlib.util.find_spec("playwright") is None or not Path(CHROMIUM).exists():
        log(f"skipping the tablets in Chromium: needs playwright (requirements-dev.txt) and Chromium at {CHROMIUM}"
            " (apt-get install -y chromium)")
        return False
    return True


def run_backend(backend: str, url: str, scale: Scale, options: Options, results: Path, log=print) -> BackendResult:
    result = BackendResult(backend)
    app = make_app(url)
    schema = bring_up_to_date(app) if options.reuse else ""
    rows = existing_rows(app) if options.reuse else {}
    if rows.get("reservations"):
        result.data, result.schema = rows, schema
        log(f"[{backend}] reusing the data set already there ({result.schema})")
    else:
        log(f"[{backend}] building the data set ({scale})")
        counts = build(app, scale, options.seed, log=log)
        result.build_seconds, result.data, result.schema = counts.seconds, counts.rows, counts.schema
        log(f"[{backend}] built in {counts.seconds:.0f} s")
    at_door = door(app)
    with app.app_context():
        from hostdesk.extensions import db

        db.engine.dispose()
    result.parties, result.tables = len(at_door.parties), len(at_door.tables)
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET}
    with serve("app:app", env, results / f"{backend}-gunicorn.log", probe="/login") as (base, master):
        tablets = Tablets(base, master, url, at_door, options, results, log)
        log(f"[{backend}] tablets, {options.seconds:g} s a step, over {result.parties} booked parties "
            f"and {result.tables} free tables")
        result.steps = capacity.climb(options.steps, tablets.step, log=log)
        manager = login(base, "manager", LOGINS["manager"][0])
        log(f"[{backend}] manager pages, one request at a time")
        for page in pages.PAGES:
            result.pages.append(pages.time_page(base, manager, page, at_door.today, options.repeat,
                                                options.page_seconds))
            timing = result.pages[-1]
            log(f"  {page.name}: p50 {timing.p(50):.0f} ms, p99 {timing.p(99):.0f} ms ({len(timing.samples_ms)})")
        if options.browser and chromium_ready(log):
            from . import browser

            log(f"[{backend}] two tablets in Chromium")
            tablets.book_again()
            time.sleep(0.5)
            result.browser = browser.measure(base, login(base, "host", LOGINS["host"][0]),
                                             login(base, "host1", HOSTS[1][1]))
            tablets.book_again()
        tablets.engine.dispose()
    with serve("app:app", env, results / f"{backend}-gunicorn-export.log", probe="/login") as (base, master):
        log(f"[{backend}] the CSV export on a fresh server")
        manager = login(base, "manager", LOGINS["manager"][0], landing="/manager/me")
        result.export = pages.export(base, manager, lambda: [memory_mb(pid) for pid in workers(master)],
                                     lambda: [reset_peak(pid) for pid in workers(master)])
    return result
