"""The table: one per backend, the targets checked, written to bench/results/ and docs/performance.md."""
from __future__ import annotations

import os
import platform
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def machine() -> str:
    cpu = "unknown CPU"
    memory = ""
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


def _fmt(value, pattern: str = "{:.0f}") -> str:
    return "–" if value is None else pattern.format(value)


def _check(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def _latency(r, limit: float) -> tuple[bool, str]:
    """A latency target, checked under load (8 in flight) and for one request at a time."""
    loaded = r.p99_ms < limit
    alone = r.alone_p99_ms is not None and r.alone_p99_ms < limit
    return loaded, ("" if loaded else "p99 met one at a time only" if alone else "p99 not met")


def floor_of(r, result) -> float:
    """The floor a row is compared with: the one measured beside it (run.Floor), else the run's."""
    return r.floor_rps or next(f.rps for f in result.rows if f.key == "floor") or 1.0


def targets(result) -> dict[str, tuple[str, str]]:
    """Each row's target, as text, and what this run shows: "yes", or what was missed."""
    rows = {r.key: r for r in result.rows}
    out = {}

    def verdict(r, share: float | None, limit: float | None) -> str:
        missed = []
        if r.unexpected:
            missed.append("unexpected responses")
        of_floor = r.rps / floor_of(r, result)
        if share is not None and of_floor < share:
            missed.append(f"{of_floor:.1%} of floor")  # 9.7% is not 10%
        if limit is not None:
            ok, why = _latency(r, limit)
            if not ok:
                missed.append(why)
        return "yes" if not missed else "**NO**: " + ", ".join(missed)

    if "poll" in rows:
        out["poll"] = ("≥ 60% of floor", verdict(rows["poll"], 0.60, None))
    if "render" in rows:
        out["render"] = ("≥ 15% of floor, p99 < 25 ms", verdict(rows["render"], 0.15, 25))
    if "action" in rows:
        out["action"] = ("≥ 10% of floor", verdict(rows["action"], 0.10, None))
    if "search" in rows:
        out["search"] = ("p99 < 50 ms", verdict(rows["search"], None, 50))
    return out


def table(result, scale) -> str:
    checks = targets(result)
    lines = [f"### {result.backend}", "",
             "| measurement | req/s | of floor (floor beside it, req/s) | p50 ms | p99 ms | p99 ms, one at a time | "
             "workers' CPU ms per request | SQL per request | bytes sent / raw | target | met |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in result.rows:
        target, met = checks.get(r.key, ("", ""))
        size = "–" if r.wire_bytes is None else f"{r.wire_bytes:,} / {r.raw_bytes or r.wire_bytes:,}"
        bad = f" ({r.unexpected} unexpected responses)" if r.unexpected else ""
        bad += f" ({r.note})" if r.note else ""
        floor = floor_of(r, result)
        share = f"{r.rps / floor:.0%}" + (f" ({floor:,.0f})" if r.floor_rps else "")
        lines.append(f"| {r.name}{bad} | {r.rps:,.0f} | {share} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
                     f"{_fmt(r.alone_p99_ms, '{:.1f}')} | {_fmt(r.cpu_ms, '{:.2f}')} | {_fmt(r.statements)} | {size} | "
                     f"{target} | {met} |")
    counts = result.board_statements
    constant = len(set(counts.values())) == 1 and max(counts.values()) <= 6
    lines += ["", "| other measurement | value | target | met |", "|---|---|---|---|",
              f"| SQL statements of one board render (load_board), by reservations today | "
              f"{', '.join(f'{n} at {k}' for k, n in sorted(counts.items()))} | constant, at most 6 | "
              f"{_check(constant)} |",
              f"| board fragment rendered from scratch, one request in the app (median) | "
              f"{result.scratch_ms:.0f} ms | (what the first tablet to ask after a change waits for) | |"]
    b = result.browser
    if b is not None:
        other50, other95 = b.pct(b.other_ms, 50), b.pct(b.other_ms, 95)
        own50, own95 = b.pct(b.acting_ms, 50), b.pct(b.acting_ms, 95)
        lines += [
            f"| a change seen on the other tablet ({len(b.other_ms)} changes) | p50 {other50:,.0f} ms, "
            f"p95 {other95:,.0f} ms | p95 < 2,500 ms | {_check(other95 < 2500 and len(b.other_ms) >= 20)} |",
            f"| the acting tablet shows its own change | p50 {own50:,.0f} ms, p95 {own95:,.0f} ms | p95 < 150 ms | "
            f"{_check(own95 < 150 and len(b.acting_ms) >= 20)} |",
            f"| host page, first load | {b.first_load_bytes / 1024:,.1f} KB transferred in {b.first_load_requests} "
            f"requests, {len(b.outside)} from outside | ≤ 100 KB, none from outside | "
            f"{_check(b.first_load_bytes <= 100 * 1024 and not b.outside)} |",
        ]
        if b.errors:
            lines.append(f"| browser errors | {'; '.join(b.errors[:3])} | none | **NO** |")
    data = ", ".join(f"{k} {v:,}" for k, v in result.data.items() if v >= 50)
    built = f"built in {result.build_seconds:.0f} s, " if result.build_seconds else ""
    lines += ["", f"Data: {data} ({built}schema by {result.schema}; {scale})."]
    return "\n".join(lines)


def document(results: list, scale, command: str, seconds: int) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"Run {stamp} with `{command}` ({seconds} s per wrk run, 8 connections, 1 wrk thread).", "",
             f"Machine: {machine()}.", ""]
    for result in results:
        parts += [table(result, scale), ""]
    return "\n".join(parts)


def write(text: str, results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"bench-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.md"
    path.write_text(text + "\n")
    if DOC.exists() and START in DOC.read_text():
        doc = DOC.read_text()
        head, _, rest = doc.partition(START)
        _, _, tail = rest.partition(END)
        DOC.write_text(f"{head}{START}\n{text}\n{END}{tail}")
    return path
