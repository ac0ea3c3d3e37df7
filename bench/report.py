"""The tables: one section per backend, written to bench/results/ and between the markers of
docs/performance.md."""
from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

from . import capacity

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
GOALS = {"SQLite": 1000, "PostgreSQL": 500}  # tablets, by the backend's name's first word
CHANGE_P95_MS = 2500  # a change seen on another tablet: within about one poll
FIRST_LOAD_KB = 100


def machine() -> str:
    cpu, memory = "unknown CPU", ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GiB memory"
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs (nproc), {cpu}{memory}; Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}")


def commit() -> str:
    """The commit measured, and whether the app's files differed from it."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603,S607
        return done.stdout.strip()

    sha = git("rev-parse", "--short=10", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "hostdesk", "templates", "static", "migrations", "app.py")
    return f"{sha} (with uncommitted changes to the app)" if changed else sha


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"


def goal(backend: str) -> int | None:
    return GOALS.get(backend.split()[0])


STEP_HEADER = ["| tablets | polls/s (planned) | taps/s (planned) | pages | poll p50 / p99 ms | tap p50 / p99 ms | "
               "page p50 / p99 ms | taps 200 / steps recorded | 409s | failed | server CPU (cores) | "
               "load generator CPU (core; p99 late) | other processes (cores) | verdict |",
               "|" + "---:|" * 13 + "---|"]


def step_row(step: capacity.Step) -> str:
    k = step.kinds
    missed = capacity.verdict(step)
    recorded = "–" if step.transitions is None else f"{step.transitions:,}"
    cells = [
        f"{step.tablets:,}",
        f"{step.rate('poll'):,.0f} ({step.planned_rate('poll'):,.0f})",
        f"{step.rate('tap'):,.1f} ({step.planned_rate('tap'):,.1f})",
        f"{k['page'].answered:,}",
        f"{_ms(k['poll'].p(50))} / {_ms(k['poll'].p(99))}",
        f"{_ms(k['tap'].p(50))} / {_ms(k['tap'].p(99))}",
        f"{_ms(k['page'].p(50))} / {_ms(k['page'].p(99))}",
        f"{k['tap'].statuses.get(200, 0):,} / {recorded}",
        f"{step.conflicts:,}",
        f"{step.failed:,}",
        "–" if step.server_cpu is None else f"{step.server_cpu / step.seconds:.2f}",
        f"{step.generator_load:.2f} ({_ms(step.late_ms)} ms)",
        "–" if step.others_cores is None else f"{step.others_cores:.2f}",
        "passed" if not missed else "**failed**: " + "; ".join(missed),
    ]
    return "| " + " | ".join(cells) + " |"


def tablets_section(result, seconds: float) -> list[str]:
    held = capacity.held(result.steps)
    wanted = goal(result.backend)
    met = "" if wanted is None else f" (goal ≥ {wanted:,}: {'met' if held >= wanted else '**not met**'})"
    number = f"{held:,}" if held or not result.steps else f"fewer than {result.steps[0].tablets:,}"
    lines = [f"**Tablets one server holds: {number}**{met}. Steps of {seconds:g} s; each tablet polls every 2 s, "
             f"taps every 20 s and loads the page every 10 minutes; taps walk {result.parties} booked parties "
             f"over {result.tables} free tables.", "",
             *STEP_HEADER]
    lines += [step_row(step) for step in result.steps]
    failures = [f for step in result.steps for f in step.failures][:3]
    if failures:
        lines += ["", "First failures: " + "; ".join(f"`{f}`" for f in failures)]
    return lines


def pages_section(result) -> list[str]:
    lines = ["| manager page, one request at a time | requests | p50 ms | p99 ms | KB sent | status |",
             "|---|---:|---:|---:|---:|---|"]
    for t in result.pages:
        statuses = ", ".join(map(str, sorted(t.statuses)))
        lines.append(f"| {t.name} | {len(t.samples_ms)} | {_ms(t.p(50))} | {_ms(t.p(99))} | "
                     f"{t.wire_bytes / 1024:,.1f} | {statuses} |")
    e = result.export
    if e is not None:
        statuses = ", ".join(map(str, sorted(e.statuses)))
        lines += ["", f"CSV export of the whole lost-and-found log ({e.rows:,} items, {e.wire_bytes / 1024:,.0f} KB, "
                      f"status {statuses}): total {_ms(capacity.percentile(e.total_ms, 50))} ms, "
                      f"first byte {_ms(capacity.percentile(e.first_byte_ms, 50))} ms (medians of {len(e.total_ms)}); "
                      f"the workers' peak memory {e.peak_mb:,.0f} MB, from {e.rss_before_mb:,.0f} MB before it."]
    return lines


def browser_section(b) -> list[str]:
    if b is None:
        return []
    other50, other95 = b.pct(b.other_ms, 50), b.pct(b.other_ms, 95)
    own50, own95 = b.pct(b.acting_ms, 50), b.pct(b.acting_ms, 95)
    lines = ["", "| in Chromium, an idle server | value | aim |", "|---|---|---|",
             f"| a change seen on another tablet ({len(b.other_ms)} changes) | p50 {other50:,.0f} ms, "
             f"p95 {other95:,.0f} ms | p95 < {CHANGE_P95_MS:,} ms (one poll) |",
             f"| the tapping tablet shows its own change | p50 {own50:,.0f} ms, p95 {own95:,.0f} ms | |",
             f"| host page, first load | {b.first_load_bytes / 1024:,.1f} KB in {b.first_load_requests} requests, "
             f"{len(b.outside)} from elsewhere | ≤ {FIRST_LOAD_KB} KB, none from elsewhere |"]
    if b.errors:
        lines.append(f"| errors | {'; '.join(b.errors[:3])} | none |")
    return lines


def section(result, scale, seconds: float) -> str:
    lines = [f"### {result.backend}", ""]
    lines += tablets_section(result, seconds) + [""] + pages_section(result) + browser_section(result.browser)
    data = ", ".join(f"{k} {v:,}" for k, v in result.data.items() if v >= 50)
    built = f"built in {result.build_seconds:.0f} s, " if result.build_seconds else ""
    lines += ["", f"Data: {data} ({built}schema by {result.schema}; {scale})."]
    return "\n".join(lines)


BUSY_CORES = 0.25  # other processes' average use during a step above which the run says the machine was busy


def busy(results: list, load_before: tuple[float, float, float]) -> str:
    """A warning when other processes took a share of the machine while the tablets ran."""
    others = [s.others_cores for r in results for s in r.steps if s.others_cores is not None]
    cores = os.cpu_count() or 1
    if (others and max(others) > BUSY_CORES) or load_before[0] > cores:
        most = f"up to {max(others):.2f} of its {cores} cores" if others else "some of its cores"
        return (f"**A busy machine**: other processes used {most} while the tablets ran (load average "
                f"{load_before[0]:.1f} at the start); these figures are lower than the machine's own.")
    return ""


def document(results: list, scale, command: str, seconds: float, load_before: tuple[float, float, float]) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"Run {stamp} with `{command}`, commit {commit()}.", "",
             f"Machine: {machine()}; load average {load_before[0]:.2f} when the run began.", ""]
    warning = busy(results, load_before)
    if warning:
        parts += [warning, ""]
    for result in results:
        parts += [section(result, scale, seconds), ""]
    return "\n".join(parts).rstrip() + "\n"


def write(text: str, results_dir: Path, doc: Path | None = DOC) -> Path:
    """The run's table into `results_dir`, and between the markers of `doc` (None: not there)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"bench-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.md"
    path.write_text(text)
    if doc is not None and doc.exists() and START in doc.read_text():
        head, _, rest = doc.read_text().partition(START)
        _, _, tail = rest.partition(END)
        doc.write_text(f"{head}{START}\n{text}{END}{tail}")
    return path
