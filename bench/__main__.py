"""python -m bench: build the data set, serve it as run.sh does, load it, print and keep the table.

    .venv/bin/python -m bench                      # SQLite (the embedded file), the full data set
    DATABASE_URL=postgresql://postgres@127.0.0.1/hostdesk_bench .venv/bin/python -m bench
                                                   # SQLite, then PostgreSQL (that database is overwritten)
    .venv/bin/python -m bench --small --seconds 3 --no-browser   # a quick try-out

Needs wrk (`apt-get install -y wrk`) and, for the tablet measurements, Chromium at /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from pathlib import Path

from .generate import Scale, build
from .report import document, write

RESULTS = Path(__file__).with_name("results")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="a small data set (seconds to build), for trying out")
    parser.add_argument("--seed", type=int, default=7, help="the data set's seed (default 7)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=8,
                        help="rounds of the host action, each its pool walked once, at most 1 s (default 8)")
    parser.add_argument("--no-browser", dest="browser", action="store_false", help="skip the Chromium measurements")
    parser.add_argument("--sqlite-only", action="store_true", help="ignore DATABASE_URL")
    parser.add_argument("--reuse-data", action="store_true",
                        help="measure the data set an earlier run left (quicker while fixing; the table says so)")
    return parser.parse_args(argv)


def statements_at_ten(seed: int) -> int:
    """The board render's statements with 10 reservations today (a tiny throw-away database)."""
    from .inprocess import board_statements
    from .run import make_app

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{tmp}/ten.db")
        build(app, Scale(tables=60, today=10, past=500, years=1, guests=200, items=20), seed, log=lambda *_: None)
        n = board_statements(app)
        from hostdesk.extensions import db

        with app.app_context():
            db.engine.dispose()
        return n


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    from .load import WrkMissing, check_wrk
    from .run import run_backend

    try:
        check_wrk()
    except WrkMissing as missing:
        print(missing, file=sys.stderr)
        return 2
    scale = Scale.small() if args.small else Scale()
    RESULTS.mkdir(parents=True, exist_ok=True)
    backends = [("SQLite (embedded file)", f"sqlite:///{RESULTS / 'bench.db'}")]
    if os.environ.get("DATABASE_URL") and not args.sqlite_only:
        from hostdesk.config import normalise_database_url

        backends.append(("PostgreSQL", normalise_database_url(os.environ["DATABASE_URL"])))
    ten = statements_at_ten(args.seed)
    results = []
    for name, url in backends:
        result = run_backend(name, url, scale, args.seed, args.seconds, args.rounds, RESULTS, args.browser,
                             reuse=args.reuse_data)
        result.board_statements = {10: ten, **result.board_statements} if name.startswith("SQLite") else \
            result.board_statements
        results.append(result)
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
    if os.environ.get("DATABASE_URL") and not args.sqlite_only:
        command = "DATABASE_URL=… " + command
    text = document(results, scale, command.strip(), args.seconds)
    print(text)
    path = write(text, RESULTS)
    print(f"\nwritten to {path} and docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
