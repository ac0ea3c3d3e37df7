"""One backend's run: build the data, count statements in-process, load the served app with wrk,
then the two tablets in Chromium. Returns the rows of the table (see report.py)."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from . import inprocess, load
from .client import ACCEPT_ENCODING, login, text_of
from .generate import LOGINS, Scale, bring_up_to_date, build
from .server import serve

SECRET = "hostdesk-bench-secret-not-for-production"  # noqa: S105 (a throw-away bench database)
VERSION = re.compile(r'data-version="([^"]+)"')


@dataclass
class Row:
    key: str
    name: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statements: int | None = None
    wire_bytes: int | None = None
    raw_bytes: int | None = None
    requests: int = 0
    unexpected: int = 0  # responses with another status than the one this row should answer
    note: str = ""
    alone_p99_ms: float | None = None  # one connection: the latency of a single user, no queueing
    cpu_ms: float | None = None  # the gunicorn workers' CPU per request under the load (load.Run)
    floor_rps: float | None = None  # the floor measured just before and after this row (the higher)


@dataclass
class BackendResult:
    backend: str
    rows: list[Row] = field(default_factory=list)
    build_seconds: float = 0.0
    data: dict[str, int] = field(default_factory=dict)
    schema: str = ""
    board_statements: dict[int, int] = field(default_factory=dict)
    scratch_ms: float = 0.0
    browser: object | None = None


def make_app(url: str):
    from hostdesk import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})


def search_query(app) -> str:
    """The manager's log: words, a category and a date range over every item."""
    from hostdesk import clock

    since = (clock.utcnow() - timedelta(days=2 * 365)).date().isoformat()
    return f"/manager/lost-found?q=zwart&category=clothing&found_from={since}"


def restore(app, ids: list[int]) -> None:
    """Put the host action's parties back to booked (between rounds); a new board version, as
    any change has, so no tablet or cached fragment keeps showing them arrived. First the taps
    still queued in the server from the last round (wrk stops counting at its deadline, not the
    server) are let through; otherwise they land after the restore and the next round meets those
    parties arrived already (409)."""
    from hostdesk.extensions import db
    from hostdesk.reservations import live
    from hostdesk.reservations.models import Reservation

    settle(app, ids)
    with app.app_context():
        db.session.execute(sa.update(Reservation).where(Reservation.id.in_(ids)).values(
            state="booked", arrived_at=None, arrived_by_id=None, greeted_at=None, greeted_by_id=None,
            previous_state=None, changed_at=None,
            changed_by_id=None).execution_options(synchronize_session=False))
        live.bump()
        db.session.commit()
        db.session.remove()


def settle(app, ids: list[int], quiet: float = 0.3, most: float = 10.0) -> None:
    """Wait until no party of `ids` has changed for `quiet` seconds (at most `most` seconds)."""
    from hostdesk.extensions import db
    from hostdesk.reservations.models import Reservation

    steps = sa.select(sa.func.count(Reservation.arrived_at), sa.func.count(Reservation.greeted_at)).where(
        Reservation.id.in_(ids))
    deadline, last = time.monotonic() + most, None
    while time.monotonic() < deadline:
        with app.app_context():
            seen = tuple(db.session.execute(steps).one())
            db.session.remove()
        if seen == last:
            return
        last = seen
        time.sleep(quiet)


WALK_PATHS = "/host/reservations/%d/arrive;/host/reservations/%d/greet"  # each party arrived, then greeted


def walk_env(ids: list[int]) -> dict[str, str]:
    """walk.lua's parties and steps."""
    return {"BENCH_IDS": ",".join(map(str, ids)), "BENCH_PATHS": WALK_PATHS}


def unchanged_poll_url(host, base: str) -> str:
    """The poll with the board's current token (it changes with the board and with the minute)."""
    status, headers, body = host.get("/host/", Cookie=host.cookie)
    return f"{base}/host/board/poll?v={VERSION.search(text_of(headers, body)).group(1)}"


# The host action's pool, and the number of reservations on its day while it runs: the 300
# reservations today. 600 taps a round: a round ends when they are all answered (walk.lua) or after
# wrk's second, whichever comes first.
TAP_PARTIES = 300


def top_up(app, pool: list[int]) -> list[int]:
    """Booked copies of the pool's parties (today, the same tables and guests) until there are
    TAP_PARTIES, and today's other parties set aside meanwhile (data_today.set_aside), so that the
    day the taps count holds TAP_PARTIES reservations, as the data set's day does: every tap of a
    round needs a party of its own (a tap on a party already arrived is a cheap 409, not
    a host action), and a tap's counts read the whole day (with the copies added, 544 parties
    took a tap 0.66 ms of counting on SQLite against 0.36 ms for 300)."""
    from .data_today import booked_copies, put_back, set_aside

    with app.test_request_context():
        day = _day_of(pool[0])
        put_back(day)  # what an interrupted run left aside (--reuse-data) is today's again first
        copies = booked_copies(pool, max(0, TAP_PARTIES - len(pool)))
        set_aside(day, pool + copies)
        return copies


def remove(app, pool: list[int], copies: list[int]) -> None:
    """Undo top_up: the copies removed, today's other parties back."""
    from .data_today import put_back, remove_copies

    settle(app, pool + copies)
    with app.test_request_context():
        put_back(_day_of(pool[0]))
        remove_copies(copies)


def _day_of(party_id: int):
    from hostdesk.extensions import db
    from hostdesk.reservations.models import Reservation

    return db.session.scalar(sa.select(Reservation.service_day).where(Reservation.id == party_id))


def booked_ids(app) -> list[int]:
    from hostdesk.reservations import queries

    from .data_today import booked_today

    with app.test_request_context():
        return booked_today(queries.today())


def in_process(app, search: str, pool: list[int]) -> dict[str, inprocess.Probe]:
    from hostdesk.reservations import live

    host = inprocess.logged_in(app, "host", LOGINS["host"][0])
    manager = inprocess.logged_in(app, "manager", LOGINS["manager"][0])
    with app.test_request_context():
        token = live.token()
    host.get(f"/host/board/poll?v={token}", headers=_gz(htmx=True))  # first 204 (steady state after it)
    probes = {
        "poll": inprocess.probe(app, host, lambda c: c.get(f"/host/board/poll?v={token}", headers=_gz(htmx=True))),
        "render": inprocess.probe(app, host, lambda c: c.get("/host/", headers=_gz())),
        "fragment": inprocess.probe(app, host, lambda c: c.get("/host/board/poll?v=0.0", headers=_gz(htmx=True))),
        "action": inprocess.probe(app, host, lambda c: c.post(f"/host/reservations/{pool[0]}/arrive",
                                                              headers={**_gz(htmx=True), "X-CSRFToken": c.csrf})),
        "search": inprocess.probe(app, manager, lambda c: c.get(search, headers=_gz())),
    }
    restore(app, pool[:1])
    return probes


def render_from_scratch_ms(app, repeat: int = 7) -> float:
    """One board fragment rendered from nothing (no reuse of an earlier render), in the app, the
    median of a few: what the first tablet to ask after a change waits for."""
    import statistics

    host = inprocess.logged_in(app, "host", LOGINS["host"][0])
    app.config["BOARD_FRAGMENT_CACHE"] = False
    try:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            host.get("/host/board/poll?v=0.0", headers=_gz(htmx=True))
            times.append((time.perf_counter() - started) * 1000)
    finally:
        app.config.pop("BOARD_FRAGMENT_CACHE")
    return statistics.median(times)


def _gz(htmx: bool = False) -> dict[str, str]:
    return {"Accept-Encoding": ACCEPT_ENCODING, **({"HX-Request": "true"} if htmx else {})}


class Floor:
    """The floor, measured again beside every row: this machine's speed drifts by a fifth or more
    within minutes (docs/performance.md), so a row is compared with the floor measured just before
    and just after it, the higher of the two (no share looks better than it is), not with one
    measured minutes away. The bare app stays up meanwhile; idle, it takes nothing from the row."""

    def __init__(self, base: str, master: int, seconds: int, lua: Path):
        self.url, self.master, self.seconds, self.lua = base + "/", master, seconds, lua
        self.runs: list[load.Run] = []
        load.wrk(self.url, 1, _gz(), lua)  # warm, not counted

    def measure(self) -> float:
        self.runs.append(load.balanced(self.master, lambda: load.wrk(self.url, self.seconds, _gz(), self.lua)))
        return self.runs[-1].rps

    def beside(self, row: Row) -> None:
        """Measure the floor after `row`; the row gets the higher of that and the floor before it."""
        before = self.runs[-1].rps
        row.floor_rps = max(before, self.measure())

    def row(self) -> Row:
        """Every floor run of the backend together, each one's rate in the note."""
        from . import floorapp

        merged = load.Run()
        for run in self.runs:
            merged.add(run)
        response = floorapp.app.test_client().get("/", headers=_gz())
        return _row("floor", "floor (bare Flask, trivial endpoint)", merged, 200, None, len(response.get_data()),
                    note="each run: " + ", ".join(f"{run.rps:,.0f}" for run in self.runs) + " req/s")


def chromium_ready(log) -> bool:
    import importlib.util

    from .browser import CHROMIUM

    if importlib.util.find_spec("playwright") is None or not Path(CHROMIUM).exists():
        log(f"skipping the tablets: needs playwright (requirements-dev.txt) and Chromium at {CHROMIUM}"
            " (apt-get install -y chromium)")
        return False
    return True


def alone(url: str, seconds: int, headers: dict[str, str], lua: Path) -> float:
    """p99 with one connection (half as long): what one user waits when nobody else asks."""
    return load.wrk(url, max(1, seconds // 2), headers, lua, connections=1).percentile_ms(99)


def _row(key: str, name: str, run: load.Run, expected: int, statements: int | None, wire: int | None,
         raw: int | None = None, note: str = "") -> Row:
    unexpected = run.requests - run.statuses.get(expected, 0) + run.errors
    if run.least_share < load.BALANCED:
        note = ", ".join(filter(None, [note, f"one worker did {1 - run.least_share:.0%} of the work"]))
    elif run.attempts > 1:
        note = ", ".join(filter(None, [note, f"{run.attempts - 1} run(s) again: one worker had most connections"]))
    return Row(key, name, run.rps, run.percentile_ms(50), run.percentile_ms(99), statements, wire, raw, run.requests,
               unexpected, note, cpu_ms=run.cpu_ms_per_request)


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


def run_backend(backend: str, url: str, scale: Scale, seed: int, seconds: int, rounds: int, results_dir: Path,
                browser: bool, log=print, reuse: bool = False) -> BackendResult:
    result = BackendResult(backend)
    app = make_app(url)
    schema = bring_up_to_date(app) if reuse else ""
    rows = existing_rows(app) if reuse else {}
    if rows.get("reservations"):
        result.data, result.schema = rows, schema
        log(f"[{backend}] reusing the data set already there ({result.schema})")
    else:
        log(f"[{backend}] building the data set ({scale})")
        counts = build(app, scale, seed, log=log)
        result.build_seconds, result.data, result.schema = counts.seconds, counts.rows, counts.schema
        log(f"[{backend}] built in {counts.seconds:.0f} s")
    result.board_statements[scale.today] = inprocess.board_statements(app)
    search = search_query(app)
    pool = booked_ids(app)
    probes = in_process(app, search, pool)
    result.scratch_ms = render_from_scratch_ms(app)
    log(f"[{backend}] in-process: " + ", ".join(f"{k} {p.statements} stmts {p.status}" for k, p in probes.items()))
    report = load.script("report", directory=results_dir)
    walk = load.script("walk", "report", directory=results_dir)
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET}
    with (serve("bench.floorapp:app", {}, results_dir / "floor-gunicorn.log") as (floor_base, floor_master),
          serve("app:app", env, results_dir / f"{backend}-gunicorn.log", probe="/login") as (base, master)):
        floor = Floor(floor_base, floor_master, seconds, report)
        log(f"[{backend}] floor {floor.measure():.0f} req/s")
        host = login(base, "host", LOGINS["host"][0])
        manager = login(base, "manager", LOGINS["manager"][0])
        htmx = {**host.headers(), "HX-Request": "true"}

        poll_url = [""]

        def warm_poll() -> None:
            """The poll with the board's current token, warmed, for a run that ends before the minute turns."""
            load.wait_for_minute_room(seconds + 1)  # the warm-up second too
            poll_url[0] = unchanged_poll_url(host, base)
            load.wrk(poll_url[0], 1, htmx, report)

        run = load.balanced(master, lambda: load.wrk(poll_url[0], seconds, htmx, report), before_each=warm_poll)
        p = probes["poll"]
        result.rows.append(_row("poll", "board poll, nothing changed", run, 204, p.statements, p.wire_bytes,
                                p.raw_bytes))
        floor.beside(result.rows[-1])
        runs = [("render", f"board full render, {scale.today} reservations (page)", "/host/", host.headers(), 200),
                ("fragment", "board changed: the poll answers the fragment", "/host/board/poll?v=0.0", htmx, 200)]
        for key, name, path, headers, expected in runs:
            p = probes[key]
            run = load.warm_and_wrk(base + path, seconds, headers, report, master)
            result.rows.append(_row(key, name, run, expected, p.statements, p.wire_bytes, p.raw_bytes))
            floor.beside(result.rows[-1])
            result.rows[-1].alone_p99_ms = alone(base + path, seconds, headers, report)
        action = load.Run()
        copies = top_up(app, pool)
        tapped = pool + copies
        env = walk_env(tapped)
        def taps() -> load.Run:
            return load.wrk(base + "/", 1, host.headers(post=True), walk, env=env)

        for _ in range(rounds):
            action.add(load.balanced(master, taps, before_each=lambda: restore(app, tapped)))
        restore(app, tapped)
        p = probes["action"]
        result.rows.append(_row("action", "host action: mark a party arrived, later greeted (its change back)", action,
                                200, p.statements, p.wire_bytes, p.raw_bytes,
                                note=f"{rounds} rounds, each at most 1 s, over {len(tapped)} parties ({len(copies)} of "
                                     "them copies of booked ones, removed after; today's other parties set aside "
                                     "meanwhile, so the day holds these), each arrived then greeted"))
        floor.beside(result.rows[-1])
        one = load.wrk(base + "/", max(1, seconds // 2), host.headers(post=True), walk, env=env, connections=1)
        result.rows[-1].alone_p99_ms = one.percentile_ms(99)
        restore(app, tapped)
        remove(app, pool, copies)
        p = probes["search"]
        run = load.warm_and_wrk(base + search, seconds, manager.headers(), report, master)
        result.rows.append(_row("search", f"lost-and-found log search, {scale.items:,} items", run, 200,
                                p.statements, p.wire_bytes, p.raw_bytes))
        floor.beside(result.rows[-1])
        result.rows[-1].alone_p99_ms = alone(base + search, seconds, manager.headers(), report)
        result.rows.insert(0, floor.row())
        if browser and not chromium_ready(log):
            browser = False
        if browser:
            from . import browser as chromium

            log(f"[{backend}] two tablets in Chromium")
            restore(app, pool)
            time.sleep(0.5)
            tablet_b = login(base, "host1", "host-pass-1-bench")
            result.browser = chromium.measure(base, host, tablet_b)
            restore(app, pool)
    return result
