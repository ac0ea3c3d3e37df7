"""Store the first release's database (first migration + data) for the upgrade test.

Run on the first release, before a second migration is added:
    .venv/bin/python scripts/make_first_release_db.py
It writes tests/reliability/first_release.db, which tests/reliability/test_upgrade.py then upgrades.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.release_db import STORED, build  # noqa: E402

if __name__ == "__main__":
    if STORED.exists():
        sys.exit(f"{STORED} exists already")
    with tempfile.TemporaryDirectory() as folder:
        built = build(Path(folder) / "first_release.db", folder)
        STORED.write_bytes(built.read_bytes())
    print(f"wrote {STORED}")
