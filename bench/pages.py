"""The manager's pages at five years of history (and the host's timeline and booking availability), timed one
request at a time over HTTP.

A page to time is one line of PAGES: its name and its URL for the restaurant's service day today.
The CSV export of the lost-and-found log gets its own measurement (export): total time, time to
the first byte and the serving worker's peak memory.
"""
from __future__ import annotations

import csv
import http.client
import io
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .capacity import percentile
from .client import ACCEPT_ENCODING, Login, decoded, local_base

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[date], str]  # the page's path and query for today's service day


def days_ago(path: str, **fields: int | str) -> Callable[[date], str]:
    """`path` with a query whose numbers are days before today (as dates) and whose words stay."""
    return lambda today: path + "?" + urllib.parse.urlencode(
        {name: str(today - value * DAY) if isinstance(value, int) else value for name, value in fields.items()})


PAGES = [
    Page("dashboard, a day (yesterday)", days_ago("/manager/", period="day", day=1)),
    Page("dashboard, a week (last week)", days_ago("/manager/", period="week", day=7)),
    Page("dashboard, a month (30 days)", days_ago("/manager/", period="range", start=30, end=1)),
    Page("dashboard, a year (365 days)", days_ago("/manager/", period="range", start=365, end=1)),
    Page("dashboard, five years (to today)", days_ago("/manager/", period="range", start=1825, end=0)),
    Page("lost-and-found log, search", days_ago("/manager/lost-found", q="zwart", category="clothing", found_from=730)),
    Page("booking form availability (4 guests, 20:00)", days_ago("/host/bookings/availability", day=0, time="20:00",
                                                                  party_size="4")),
    Page("timeline, today", lambda today: "/host/timeline"),
]
EXPORT = "/manager/lost-found/export.csv"
NOTHING = "no-such-word-in-any-description"


@dataclass
class Fetch:
    status: int
    first_byte_ms: float  # until the status line and headers arrived
    total_ms: float
    wire_bytes: int
    body: bytes  # decoded


def fetch(base: str, path: str, headers: dict[str, str], timeout: float = 120.0) -> Fetch:
    """One GET on a connection of its own (gunicorn's sync worker closes each after its answer)."""
    parts = urllib.parse.urlsplit(local_base(base))
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        first = time.perf_counter()
        wire = response.read()
        done = time.perf_counter()
        body = decoded(wire, response.getheader("Content-Encoding", ""))
        return Fetch(response.status, (first - started) * 1000, (done - started) * 1000, len(wire), body)
    finally:
        connection.close()


@dataclass
class Timing:
    name: str
    path: str
    samples_ms: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    wire_bytes: int = 0

    def p(self, q: float) -> float | None:
        return percentile(self.samples_ms, q)


def time_page(base: str, who: Login, page: Page, today: date, repeat: int, most_seconds: float) -> Timing:
    """`repeat` requests one after the other (fewer when they take more than `most_seconds`
    together, at least three), after one not counted (the worker's first of this page)."""
    path = page.url(today)
    headers = {**who.headers(), "Accept-Encoding": ACCEPT_ENCODING}
    timing = Timing(page.name, path)
    fetch(base, path, headers)
    deadline = time.monotonic() + most_seconds
    for number in range(repeat):
        if number >= 3 and time.monotonic() > deadline:
            break
        answer = fetch(base, path, headers)
        timing.samples_ms.append(answer.total_ms)
        timing.statuses.add(answer.status)
        timing.wire_bytes = answer.wire_bytes
    return timing


@dataclass
class Export:
    total_ms: list[float] = field(default_factory=list)
    first_byte_ms: list[float] = field(default_factory=list)
    rows: int = 0
    wire_bytes: int = 0
    statuses: set[int] = field(default_factory=set)
    rss_before_mb: float = 0.0  # the workers' resident memory before the first export (the larger)
    peak_mb: float = 0.0  # the workers' peak resident memory after the exports (the larger)


def csv_rows(body: bytes) -> int:
    """Data rows of the export (its header and quoted line breaks in descriptions not counted)."""
    text = body.decode("utf-8-sig", "replace")
    header = text.split("\r\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return max(0, sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)) - 1)


def export(base: str, who: Login, memory: Callable[[], list[tuple[float, float]]], reset_peaks: Callable[[], None],
           repeat: int = 3) -> Export:
    """The whole log as CSV, `repeat` times, on a server that has served nothing else heavy (run.py
    starts a fresh one), after exports of no item at all (what the code itself loads is not the
    export's memory): `memory()` gives each worker's (resident, peak) memory in MB, `reset_peaks()`
    starts their peaks afresh."""
    for _ in range(4):
        fetch(base, EXPORT + "?q=" + NOTHING, who.headers())
    reset_peaks()
    result = Export(rss_before_mb=max(rss for rss, _ in memory()))
    for _ in range(repeat):
        answer = fetch(base, EXPORT, who.headers())
        result.total_ms.append(answer.total_ms)
        result.first_byte_ms.append(answer.first_byte_ms)
        result.statuses.add(answer.status)
        result.wire_bytes = answer.wire_bytes
        result.rows = csv_rows(answer.body)
    result.peak_mb = max(peak for _, peak in memory())
    return result
