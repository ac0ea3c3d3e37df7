"""Load from outside the server with wrk: one run (or several short rounds) per measurement,
read back from the Lua report (requests, duration, status codes, the latency histogram)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).with_name("lua")
CONNECTIONS = 8  # requests in flight at once: four for each of the two workers
WRK_THREADS = 1  # the machine is small: one load thread leaves the cores to the server


class WrkMissing(RuntimeError):
    pass


def check_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing("wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu), then run the bench again")
    return path


@dataclass
class Run:
    requests: int = 0
    duration_us: int = 0
    bytes: int = 0
    errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    histogram: Counter = field(default_factory=Counter)  # latency in microseconds -> count
    attempts: int = 1  # wrk runs made for this one (see balanced)
    least_share: float = 0.5  # the less busy worker's share of the two workers' CPU in the run
    cpu_seconds: float | None = None  # the workers' CPU in the run (user and system), when measured

    def add(self, other: Run) -> None:
        self.requests += other.requests
        self.duration_us += other.duration_us
        self.bytes += other.bytes
        self.errors += other.errors
        self.statuses.update(other.statuses)
        self.histogram.update(other.histogram)
        self.attempts += other.attempts - 1
        self.least_share = min(self.least_share, other.least_share)
        if other.cpu_seconds is not None:
            self.cpu_seconds = (self.cpu_seconds or 0.0) + other.cpu_seconds

    @property
    def rps(self) -> float:
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0

    @property
    def cpu_ms_per_request(self) -> float | None:
        """What a request cost the server's workers: their CPU (from /proc) over the requests."""
        return 1000 * self.cpu_seconds / self.requests if self.cpu_seconds is not None and self.requests else None

    def percentile_ms(self, p: float) -> float:
        total = sum(self.histogram.values())
        if not total:
            return 0.0
        wanted, seen = total * p / 100.0, 0
        for value in sorted(self.histogram):
            seen += self.histogram[value]
            if seen >= wanted:
                return value / 1000.0
        return max(self.histogram) / 1000.0


def script(*names: str, directory: Path) -> Path:
    """One wrk script from our Lua parts (wrk takes a single file)."""
    path = directory / ("-".join(names) + ".lua")
    path.write_text("\n".join((LUA / f"{name}.lua").read_text() for name in names))
    return path


BALANCED = 0.3  # a run counts when the less busy worker did at least this share of the work
ATTEMPTS = 6


def worker_cpu(master: int) -> dict[int, float]:
    """CPU seconds used so far by each worker process of the gunicorn master `master` (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used[int(pid)] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return used


def balanced(master: int | None, attempt, before_each=None) -> Run:
    """`attempt()` (one wrk run) again, at most ATTEMPTS times, while one worker did nearly all the
    work: wrk opens its 8 keep-alive connections at once and each worker accepts what it can, so now
    and then one worker gets most of them for the whole run and the other idles (seen as a
    bimodal poll, half or all of the floor, run after run on the same server). That measures one
    worker, not the server; a tablet's connections come one by one. `before_each()` puts the data
    back between attempts (the host action's parties), outside what is measured. The run keeps the
    workers' CPU of its own attempt (`cpu_seconds`)."""
    for number in range(1, ATTEMPTS + 1):
        if before_each is not None:
            before_each()
        start = worker_cpu(master) if master else {}
        run = attempt()
        if master:
            used = [cpu - start.get(pid, 0.0) for pid, cpu in worker_cpu(master).items()]
            run.least_share = min(used) / sum(used) if len(used) > 1 and sum(used) > 0 else 0.5
            run.cpu_seconds = sum(used)
        run.attempts = number
        if run.least_share >= BALANCED:
            break
    return run


def warm_and_wrk(url: str, seconds: int, headers: dict[str, str], lua: Path, master: int | None = None) -> Run:
    """One second of the same load first, not counted: every worker has its connections, compiled
    templates and (for the board) its rendered fragment, as on a server that has been up a while."""
    wrk(url, 1, headers, lua)
    return balanced(master, lambda: wrk(url, seconds, headers, lua))


def wrk(url: str, seconds: int, headers: dict[str, str], lua: Path, env: dict[str, str] | None = None,
        connections: int = CONNECTIONS) -> Run:
    command = [check_wrk(), f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(lua)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(url)
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})},  # noqa: S603
                          timeout=seconds + 60, check=False)
    if done.returncode != 0 or "BENCH " not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-500:]} {done.stderr[-500:]}")
    run = Run()
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            data = json.loads(line[6:])
            run.requests, run.duration_us, run.bytes = data["requests"], data["duration_us"], data["bytes"]
            if data.get("walked_us"):  # the round ended when its pool was walked (walk.lua)
                run.duration_us = data["walked_us"]
            run.errors = data["errors"]
            run.statuses = Counter({int(k): v for k, v in data["statuses"].items()})
        elif line.startswith("HIST "):
            _, value, count = line.split()
            run.histogram[int(float(value))] += int(float(count))
    return run


def seconds_left_in_minute() -> float:
    return 60.0 - time.time() % 60.0


def wait_for_minute_room(seconds: float) -> None:
    """The board token changes each minute: start a poll run only when it fits in this minute."""
    if seconds_left_in_minute() < seconds + 2:
        time.sleep(seconds_left_in_minute() + 0.5)
