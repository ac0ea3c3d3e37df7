#!/usr/bin/env bash
# Install everything the tests need and run the whole suite (lint, then pytest).
#   TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test ./test.sh   on PostgreSQL
#   ./test.sh tests/auth -x                                                       pytest arguments pass through
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements-dev.txt

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
# pg_dump and pg_restore: the PostgreSQL leg's backup test (a PostgreSQL-only test may not skip there)
command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} from Debian's packages (Playwright drives Debian's Chromium)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# axe-core, injected into pages by the browser tests
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

ruff check .
bandit -q -c pyproject.toml -r hostdesk app.py scripts
python scripts/i18n.py check
exec python -m pytest "$@"
