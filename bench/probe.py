"""python -m bench.probe: one measurement at a time against the data an earlier bench run left, with
the server's CPU per request; for tuning (the thread count, a change to one route), not the table.

    .venv/bin/python -m bench.probe floor page search            # run.sh's settings, bench/results/bench.db
    .venv/bin/python -m bench.probe page search --threads 4 --repeat 3
    DATABASE_URL=postgresql://postgres@127.0.0.1/hostdesk_bench .venv/bin/python -m bench.probe action

Each line: requests a second, the CPU both workers used per request (from /proc, so gunicorn and
everything in the worker counts), each worker's CPU seconds (a worker near 0 s had no connection:
run it again), p50 and p99 under 8 connections, and the status codes. The host action walks the
booked parties of the day the data was built for, topped up with copies as the bench does (one round
of `--seconds`, the parties put back after), so build the data the same day:
`python -m bench --sqlite-only --no-browser`.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import load, server
from .client import login
from .generate import LOGINS
from .run import SECRET, booked_ids, make_app, remove, restore, search_query, top_up, unchanged_poll_url, walk_env

RESULTS_DB = Path(__file__).with_name("results") / "bench.db"  # what python -m bench left

KINDS = ("floor", "poll", "page", "fragment", "action", "search")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.probe", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kinds", nargs="+", choices=KINDS)
    parser.add_argument("--threads", type=int, default=server.THREADS, help="gunicorn threads per worker")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run (default 5)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement (default 1)")
    return parser.parse_args(argv)


def measure(kind: str, master: int, run) -> str:
    before, started = load.worker_cpu(master), time.monotonic()
    result = run()
    used = [cpu - before.get(pid, 0.0) for pid, cpu in load.worker_cpu(master).items()]
    per_request = 1000 * sum(used) / max(result.requests, 1)
    return (f"{kind:8s} {result.rps:7,.0f} req/s  CPU {per_request:5.2f} ms/request  workers "
            f"{' '.join(f'{u:.1f}' for u in used)} s in {time.monotonic() - started:.1f} s  "
            f"p50 {result.percentile_ms(50):5.1f}  p99 {result.percentile_ms(99):5.1f} ms  {dict(result.statuses)}")


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    server.THREADS = args.threads
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{RESULTS_DB}"
    if "://" in url and url.startswith("postgresql"):
        from hostdesk.config import normalise_database_url

        url = normalise_database_url(url)
    directory = RESULTS_DB.parent
    directory.mkdir(parents=True, exist_ok=True)
    report = load.script("report", directory=directory)
    walk = load.script("walk", "report", directory=directory)
    app = make_app(url)
    print(f"gunicorn: {server.WORKERS} workers x {args.threads} thread(s); {len(args.kinds)} measurement(s), "
          f"{load.CONNECTIONS} connections, {args.seconds} s each")
    for kind in args.kinds:
        target, env, probe = (("bench.floorapp:app", {}, "/") if kind == "floor" else
                              ("app:app", {"DATABASE_URL": url, "SECRET_KEY": SECRET}, "/login"))
        with server.serve(target, env, directory / "probe-gunicorn.log", probe=probe) as (base, master):
            run = _runner(kind, app, base, args.seconds, report, walk)
            try:
                run(warm=True)
                for _ in range(args.repeat):
                    print(measure(kind, master, run), flush=True)
            finally:
                getattr(run, "cleanup", lambda: None)()
    return 0


def _runner(kind: str, app, base: str, seconds: int, report, walk):
    if kind == "floor":
        return lambda warm=False: load.wrk(base + "/", 1 if warm else seconds, {}, report)
    host = login(base, "host", LOGINS["host"][0])
    if kind == "action":
        pool = booked_ids(app)
        if not pool:
            raise SystemExit("no booked party today in this data: build it again today")
        copies = top_up(app, pool)  # as the bench does: a party for every tap of a round
        tapped = pool + copies

        def taps(warm: bool = False) -> load.Run:
            restore(app, tapped)
            try:
                return load.wrk(base + "/", 1 if warm else seconds, host.headers(post=True), walk,
                                env=walk_env(tapped))
            finally:
                restore(app, tapped)
        taps.cleanup = lambda: remove(app, pool, copies)
        return taps
    htmx = {**host.headers(), "HX-Request": "true"}
    if kind == "poll":  # the board's token changes each minute: each run within one minute
        def poll(warm: bool = False) -> load.Run:
            load.wait_for_minute_room(1 if warm else seconds)
            return load.wrk(unchanged_poll_url(host, base), 1 if warm else seconds, htmx, report)
        return poll
    if kind == "search":
        path, headers = search_query(app), login(base, "manager", LOGINS["manager"][0]).headers()
    else:
        path, headers = {"page": ("/host/", host.headers()), "fragment": ("/host/board/poll?v=0.0", htmx)}[kind]
    return lambda warm=False: load.wrk(base + path, 1 if warm else seconds, headers, report)


if __name__ == "__main__":
    sys.exit(main())
