"""python -m bench: build the data set, serve it as run.sh does, find how many tablets it holds,
time the manager's pages, then two tablets in Chromium; print and keep the table.

    .venv/bin/python -m bench                      # SQLite (the embedded file), the full data set
    DATABASE_URL=postgresql://postgres@127.0.0.1/hostdesk_bench .venv/bin/python -m bench
                                                   # SQLite, then PostgreSQL (that database is overwritten)
    .venv/bin/python -m bench --small --seconds 2 --no-browser   # a quick try-out

Needs requirements-bench.txt (Locust) and, for the tablets in Chromium, Chromium at /usr/bin/chromium.
"""
from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from .capacity import sizes
from .generate import Scale
from .report import DOC, document, write

RESULTS = Path(__file__).with_name("results")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true",
                        help="a small data set (seconds to build) and steps of 10 tablets, for trying out")
    parser.add_argument("--seed", type=int, default=7, help="the data set's and the tablets' seed (default 7)")
    parser.add_argument("--seconds", type=float, default=30, help="length of each step of tablets (default 30)")
    parser.add_argument("--first", type=int, help="tablets in the first step (default 250; --small: 10)")
    parser.add_argument("--step", type=int, help="tablets added each step (default 250; --small: 10)")
    parser.add_argument("--most", type=int, help="tablets in the last step at most (default 4000; --small: 20)")
    parser.add_argument("--repeat", type=int, default=20, help="requests per manager page (default 20)")
    parser.add_argument("--no-browser", dest="browser", action="store_false", help="skip the tablets in Chromium")
    parser.add_argument("--sqlite-only", action="store_true", help="ignore DATABASE_URL")
    parser.add_argument("--reuse-data", action="store_true",
                        help="measure the data set an earlier run left (quicker while fixing; the table says so)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the databases, logs and tables go")
    parser.add_argument("--no-doc", dest="doc", action="store_false",
                        help="leave docs/performance.md as it is (the table still goes to --results)")
    parser.add_argument("--generator-check", action="store_true",
                        help="only one step of --most tablets (default 1000) against a stand-in that answers as the "
                             "board does at almost no cost: what the load generator itself uses at that rate")
    args = parser.parse_args(argv)
    small = (10, 10, 20) if args.small else (250, 250, 1000 if args.generator_check else 4000)
    args.steps = sizes(args.first or small[0], args.step or small[1], args.most or small[2])
    if args.seconds < 1:
        parser.error("--seconds: at least 1")
    return args


def generator_check(args: argparse.Namespace) -> int:
    from .report import STEP_HEADER, step_row
    from .run import generator_check as check

    args.results.mkdir(parents=True, exist_ok=True)
    step = check(args.most or 1000, args.seconds, args.results.resolve(), args.seed)
    print("\n".join([*STEP_HEADER, step_row(step)]))
    requests = sum(k.answered for k in step.kinds.values())
    print(f"\nthe load generator: {step.generator_cpu:.1f} s of CPU for {requests:,} requests in {step.seconds:g} s, "
          f"{step.generator_load:.0%} of one core")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.generator_check:
        return generator_check(args)
    from .run import Options, run_backend

    scale = Scale.small() if args.small else Scale()
    results_dir = args.results.resolve()
    results_dir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    backends = [("SQLite (embedded file)", f"sqlite:///{results_dir / 'bench.db'}")]
    if os.environ.get("DATABASE_URL") and not args.sqlite_only:
        from hostdesk.config import normalise_database_url

        backends.append(("PostgreSQL", normalise_database_url(os.environ["DATABASE_URL"])))
    options = Options(steps=args.steps, seconds=args.seconds, seed=args.seed, browser=args.browser,
                      reuse=args.reuse_data, repeat=args.repeat)
    results = [run_backend(name, url, scale, options, results_dir) for name, url in backends]
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
    if os.environ.get("DATABASE_URL") and not args.sqlite_only:
        command = "DATABASE_URL=… " + command
    text = document(results, scale, command.strip(), args.seconds, load_before)
    print(text)
    path = write(text, results_dir, DOC if args.doc else None)
    print(f"\nwritten to {path}" + (" and docs/performance.md" if args.doc else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
