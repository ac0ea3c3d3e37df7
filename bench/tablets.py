"""python -m bench.tablets CONFIG OUT: one step of simulated host tablets against a served Hostdesk.

Locust runs the tablets, one User each, open-loop: every request goes out at its planned moment
(schedule.py) in a greenlet of its own, whether earlier ones were answered or not, so a slow server
meets the same stream a restaurant's tablets would send. A tablet polls with the board token it
was last given (the page's or the last fragment's), taps what the shared desk gives it (desk.py)
and loads the whole page now and then. Each answer is timed here (perf_counter around the request)
and written, per kind, to OUT as JSON, with this process's CPU time.

Its own process, since importing Locust patches the standard library for gevent.
"""
from __future__ import annotations

import itertools
import json
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from http.client import HTTPException
from pathlib import Path

import gevent
from gevent.event import Event
from geventhttpclient import HTTPClient
from locust import User, constant, task
from locust.env import Environment
from locust.exception import StopUser

from .capacity import EXPECTED
from .client import ACCEPT_ENCODING, COOKIE, VERSION, decoded, local_base
from .desk import Desk, Tap
from .schedule import Cadence, moments, planned, plans

COOKIE_VALUE = re.compile(COOKIE + r"=([^;]*)")
VERSION_BYTES = re.compile(VERSION.pattern.encode())  # searched in the body's bytes: no decoding to text
TIMEOUT = 10.0  # seconds a request may take before it counts as failed
GRACE = TIMEOUT + 5.0  # after the step, how long its last requests may still take
RECYCLE_EVERY = 0.5


class Step:
    """What every tablet of the step shares: the settings, the start, the desk, what was measured."""

    def __init__(self, config: dict):
        self.config = config
        self.base = local_base(config["base"])
        self.cadence = Cadence(**config.get("cadence", {}))
        self.seconds = float(config["seconds"])
        self.plans = plans(config["tablets"], config["seed"], self.cadence)
        self.desk = Desk(config["parties"], config["tables"])
        self.go = Event()
        self.finished = Event()  # every tablet has sent its step and had its answers (or given up)
        self.start = 0.0  # perf_counter of the step's moment 0, set when every tablet is there
        self.numbers = itertools.count()
        self.samples: dict[str, list[float]] = {kind: [] for kind in ("poll", "tap", "page")}
        self.statuses: dict[str, Counter] = {kind: Counter() for kind in self.samples}
        self.lags: list[float] = []
        self.failures: list[str] = []
        self.unsent_taps = 0  # a tap's moment came with no party free to tap (the desk was empty)
        self.unreadable = 0  # answers 200 without a board version to follow

    def unread(self, problem: str) -> None:
        self.unreadable += 1
        if len(self.failures) < 20:
            self.failures.append(problem)

    def record(self, kind: str, planned_at: float, sent_at: float, answered_at: float, status: int,
               problem: str | None) -> None:
        self.samples[kind].append((answered_at - sent_at) * 1000)
        self.lags.append((sent_at - planned_at) * 1000)
        self.statuses[kind][status] += 1
        if problem and len(self.failures) < 20:
            self.failures.append(f"{kind}: {problem}")


STEP: Step | None = None  # set by main() before any tablet starts


class Tablet(User):
    """One tablet at the door, enrolled with its own login session (run.py logs each one in)."""

    host = "http://127.0.0.1"  # Locust wants one; the requests go to STEP.base
    wait_time = constant(0)  # never used: the one task runs the whole step, then stops the user

    def __init__(self, environment):
        super().__init__(environment)
        self.number = next(STEP.numbers)
        self.plan = STEP.plans[self.number]
        login = STEP.config["sessions"][self.number]
        self.cookie, self.csrf = login["cookie"], login["csrf"]
        self.token = STEP.config["token"]
        self.http = HTTPClient.from_url(STEP.base, concurrency=4, connection_timeout=TIMEOUT,
                                        network_timeout=TIMEOUT)
        self.running: list[gevent.Greenlet] = []
        self.started = False

    @task
    def shift(self):
        if self.started:  # the step is sent once, even if Locust calls the task again
            raise StopUser
        self.started = True
        STEP.go.wait(timeout=60)
        for moment, kind in moments(self.plan, STEP.seconds, STEP.cadence):
            gevent.sleep(max(0.0, STEP.start + moment - time.perf_counter()))
            self.running.append(gevent.spawn(getattr(self, kind), STEP.start + moment))
        gevent.joinall(self.running, timeout=GRACE)
        gevent.killall([g for g in self.running if not g.dead], block=False)
        self.http.close()
        raise StopUser

    def headers(self, htmx: bool = False) -> dict[str, str]:
        headers = {"Cookie": f"{COOKIE}={self.cookie}", "Accept-Encoding": ACCEPT_ENCODING}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Current-URL": STEP.base + "/host/"})
        return headers

    def send(self, kind: str, planned_at: float, method: str, path: str, headers: dict[str, str],
             body: bytes = b"") -> tuple[int, dict, bytes]:
        """One request, timed and recorded; returns status (0 for no answer), headers and body."""
        sent_at = time.perf_counter()
        status, info, payload, problem = 0, {}, b"", None
        try:
            response = self.http.request(method, path, body=body, headers=headers)
            try:
                payload = response.read()
                status, info = response.status_code, response.info()
            finally:
                response.release()
        except (OSError, ValueError, HTTPException, gevent.Timeout) as error:  # refused, reset, timed out, garbled
            problem = f"{type(error).__name__}: {error}"
        answered_at = time.perf_counter()
        for value in info.getlist("set-cookie") if info else ():
            match = COOKIE_VALUE.match(value)
            if match:
                self.cookie = match.group(1)  # Flask renews the signed session cookie
        if problem is None and status not in EXPECTED[kind]:
            problem = f"{method} {path.split('?')[0]} answered {status}"
        STEP.record(kind, planned_at, sent_at, answered_at, status, problem)
        self.environment.events.request.fire(
            request_type=method, name=kind, response_time=(answered_at - sent_at) * 1000,
            response_length=len(payload), exception=RuntimeError(problem) if problem else None,
            context={"status": status})
        return status, info, payload

    def follow(self, info, body: bytes) -> None:
        """Take the board token from a page or fragment: the next poll asks with it."""
        try:
            text = decoded(body, info.get("content-encoding", ""))
        except (OSError, ValueError) as error:  # zlib, brotli and zstd errors are among these
            STEP.unread(f"an undecodable answer: {error}")
            return
        match = VERSION_BYTES.search(text)
        if match:
            self.token = match.group(1).decode()
        else:
            STEP.unread("an answer without a board version")

    def poll(self, planned_at: float) -> None:
        status, info, body = self.send("poll", planned_at, "GET", f"/host/board/poll?v={self.token}",
                                       {**self.headers(htmx=True), "HX-Target": "board", "HX-Trigger": "board"})
        if status == 200:
            self.follow(info, body)

    def page(self, planned_at: float) -> None:
        status, info, body = self.send("page", planned_at, "GET", "/host/", self.headers())
        if status == 200:
            self.follow(info, body)

    def tap(self, planned_at: float) -> None:
        tap: Tap | None = STEP.desk.next_tap()
        if tap is None:
            STEP.unsent_taps += 1
            return
        headers = {**self.headers(htmx=True), "X-CSRFToken": self.csrf,
                   "Content-Type": "application/x-www-form-urlencoded"}
        status, _, _ = self.send("tap", planned_at, "POST", tap.path, headers, tap.form.encode())
        STEP.desk.answered(tap, moved=status == 200)


def start_recycler(url: str, most: float):
    """`python -m bench.recycle`, started before the step and answering "ready" once connected."""
    from gevent import subprocess as gsubprocess

    process = gsubprocess.Popen([sys.executable, "-m", "bench.recycle", url, "--most", str(most)],  # noqa: S603
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                cwd=Path(__file__).resolve().parents[1])
    with gevent.Timeout(60):
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the recycler did not start")
    return process


def recycler(step: Step, process, until: float) -> int:
    """Hand the desk's seated parties to the recycler every RECYCLE_EVERY seconds until the step
    is finished (or `until`, a perf_counter); returns how many parties it booked again. Without a
    recycler process (no database: the stub) they are simply taken as booked again."""
    booked = 0
    try:
        while time.perf_counter() < until and not step.finished.is_set():
            gevent.sleep(RECYCLE_EVERY)
            done = step.desk.to_recycle()
            if not done:
                continue
            if process is not None:
                process.stdin.write(json.dumps([party for party, _ in done]) + "\n")
                process.stdin.flush()
                with gevent.Timeout(30):
                    if process.stdout.readline().strip() != "done":
                        raise RuntimeError("the recycler stopped")
            step.desk.recycled(done)
            booked += len(done)
    finally:
        if process is not None:
            process.stdin.close()
            process.wait(timeout=30)
    return booked


def run(config: dict) -> dict:
    global STEP
    STEP = step = Step(config)
    env = Environment(user_classes=[Tablet])
    runner = env.create_local_runner()
    process = start_recycler(config["database_url"], step.seconds + 120) if config["database_url"] else None
    started = time.perf_counter()
    runner.start(config["tablets"], spawn_rate=max(100.0, config["tablets"] * 10.0))
    deadline = started + 60
    while runner.user_count < config["tablets"] and time.perf_counter() < deadline:
        gevent.sleep(0.05)
    step.start = time.perf_counter() + 0.2
    usage, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    step.go.set()
    recycling = gevent.spawn(recycler, step, process, step.start + step.seconds + GRACE)
    end = step.start + step.seconds + GRACE + 5
    while runner.user_count and time.perf_counter() < end:
        gevent.sleep(0.1)
    step.finished.set()
    runner.quit()
    recycling.join(timeout=60)
    wall = time.perf_counter() - step.start
    after, after_children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "tablets": config["tablets"], "seconds": step.seconds, "wall_seconds": wall,
        "planned": dict(planned(step.plans, step.seconds, step.cadence)),
        "latencies_ms": step.samples, "statuses": {k: dict(v) for k, v in step.statuses.items()},
        "lags_ms": step.lags, "failures": step.failures, "unsent_taps": step.unsent_taps,
        "unreadable": step.unreadable,
        "recycled": recycling.value or 0, "recycler_error": str(recycling.exception or ""),
        "cpu_seconds": cpu(after) - cpu(usage),
        "parties_known": step.desk.parties(),
        "recycler_cpu_seconds": cpu(after_children) - cpu(children),
    }


def cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    config = json.loads(Path(args[0]).read_text())
    Path(args[1]).write_text(json.dumps(run(config)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
