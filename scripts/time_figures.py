"""Time the manager's dashboard, one request at a time, for a day, a week, a month, a year and five years.

    .venv/bin/python scripts/time_figures.py sqlite:///bench/results/bench.db
    .venv/bin/python scripts/time_figures.py postgresql+psycopg://postgres@127.0.0.1:5432/hostdesk_bench

Runs on a database `python -m bench` (or bench.generate.build) filled; signs in as the bench's manager
and asks the whole page, as a browser does, `--rounds` times per period. Prints p50 and p99 in ms, of the
time taken and of this process's CPU time (on a busy machine the first is mostly waiting for a core).
`--store` first computes the stored figures the app's job keeps (bench.generate does so already).
"""
from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def periods(today) -> dict[str, dict[str, str]]:
    five = today.replace(year=today.year - 5) + timedelta(days=1)
    return {
        "day": {"period": "day", "day": today.isoformat()},
        "week": {"period": "week", "day": today.isoformat()},
        "month": {"period": "month", "day": today.isoformat()},
        "year": {"period": "year", "day": today.isoformat()},
        "last 365 days": {"period": "range", "start": (today - timedelta(days=364)).isoformat(),
                          "end": today.isoformat()},
        "five years": {"period": "range", "start": five.isoformat(), "end": today.isoformat()},
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--compare", action="store_true", help="also the comparison with two other periods")
    parser.add_argument("--periods", nargs="*", help="only these periods (day, week, month, year, five years, ...)")
    parser.add_argument("--store", action="store_true", help="first compute the stored figures of closed days")
    args = parser.parse_args()

    from bench.generate import LOGINS
    from hostdesk import clock, create_app
    from hostdesk.settings import get_settings

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.url, "SECRET_KEY": secrets.token_hex(16),
                      "WTF_CSRF_ENABLED": False, "JOBS_IN_BACKGROUND": False})
    if args.store:
        from bench.generate import store_figures

        with app.test_request_context():
            store_figures()
    client = app.test_client()
    response = client.post("/login", data={"username": "manager", "password": LOGINS["manager"][0]})
    if response.status_code != 302:
        print("could not sign in as the bench's manager", file=sys.stderr)
        return 2
    with app.app_context():
        settings = get_settings()
        today = clock.service_day(clock.utcnow(), settings.zone, settings.boundary)
    print(f"{args.url.split('://')[0]}, {args.rounds} requests each, one at a time, full page")
    print(f"{'period':<14} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'CPU p50':>8} {'CPU p99':>8}")
    for name, query in periods(today).items():
        if args.periods and name not in args.periods:
            continue
        if args.compare:
            query = {**query, "compare": "1"}
        client.get("/manager/", query_string=query)  # warm
        took, cpu = [], []
        for _ in range(args.rounds):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get("/manager/", query_string=query)
            took.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            if response.status_code != 200:
                print(f"{name}: status {response.status_code}", file=sys.stderr)
                return 1
        print(f"{name:<14} {statistics.median(took):8.0f} {percentile(took, 0.99):8.0f} {max(took):8.0f} "
              f"{statistics.median(cpu):8.0f} {percentile(cpu, 0.99):8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
