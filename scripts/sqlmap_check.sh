#!/usr/bin/env bash
# Bounded sqlmap run (Debian's sqlmap) against the login, the lost-and-found search and the booking
# form of a throw-away Hostdesk on 127.0.0.1 (SQLite, demo data; CSRF on: sqlmap fetches a fresh token
# for each probe, as a browser would). Not part of the test suite: run it by hand before a release and
# record the result in docs/security.md. SQLMAP_LOGS=dir keeps sqlmap's logs.
#   scripts/sqlmap_check.sh            prints sqlmap's verdict per target, exit 1 if any is injectable
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sqlmap >/dev/null || { echo "install sqlmap first: apt-get install -y sqlmap"; exit 2; }
work="$(mktemp -d)"
port="${PORT:-8765}"
base="http://127.0.0.1:${port}"
export HOSTDESK_TEST_DATABASE_URL="sqlite:///${work}/sqlmap.db" HOSTDESK_TEST_UPLOADS="${work}"
.venv/bin/python - <<'PY'
from tests.reliability.wsgi import app
from hostdesk.database import write_intent
from hostdesk.demo import seed_demo
from hostdesk.extensions import db
with app.app_context():
    db.create_all()
    with write_intent():
        seed_demo()
        db.session.commit()
PY
.venv/bin/gunicorn --bind "127.0.0.1:${port}" --workers 2 --threads 4 --log-level warning tests.reliability.wsgi:app &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "${base}/healthz" >/dev/null && break; sleep 0.2; done
cookie() {  # the session cookie of a signed-in user (through the login form and its CSRF token)
  local jar="${work}/$1.jar" token
  token="$(curl -s -c "$jar" "${base}/login" | sed -n 's/.*name="csrf_token" type="hidden" value="\([^"]*\)".*/\1/p')"
  curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf_token=${token}" -d "username=$1&password=$2" \
    "${base}/login"
  awk '$6 == "hostdesk" {print $7}' "$jar"
}
host_cookie="hostdesk=$(cookie host demo-host)"
staff_cookie="hostdesk=$(cookie staff demo-staff)"
common=(--batch --flush-session --level 2 --risk 1 --time-sec 1 --timeout 10 --retries 0 --threads 1
        --output-dir "${work}/sqlmap" --disable-coloring --skip-waf --ignore-code 401,403,409,422,423)
day="$(date -d tomorrow +%F)"
status=0
run() {
  local name="$1"; shift
  local started=$SECONDS
  local log="${SQLMAP_LOGS:-$work}/${name}.log"
  sqlmap "${common[@]}" "$@" >"$log" 2>&1 || true
  local verdict
  if grep -q "is vulnerable\|sqlmap identified the following injection point" "$log"; then
    verdict="INJECTABLE"; status=1
  elif grep -q "all tested parameters do not appear to be injectable" "$log"; then
    verdict="not injectable"
  else
    verdict="inconclusive (see log)"; status=1; tail -20 "$log"
  fi
  echo "${name}: ${verdict} ($(grep -c "testing '" "$log") tests, $((SECONDS - started)) s)"
}
run login -u "${base}/login" --data "csrf_token=x&username=sqlmapuser&password=secret-pass" -p "username,password" \
  --csrf-token csrf_token --csrf-url "${base}/login"
run search -u "${base}/lost-found/?q=umbrella&state=in_storage&category=umbrella&storage=safe" \
  --cookie "${staff_cookie}" -p "q,state,category,storage"
run booking -u "${base}/host/bookings/new" --cookie "${host_cookie}" --csrf-token csrf_token \
  --csrf-url "${base}/host/bookings/new" --data "csrf_token=x&name=Jansen&phone=0612345678&email=jansen@example.nl&party_size=2&day=${day}&time=19:00&notes=window&allergy=&source=phone&occasion=" \
  -p "name,phone,email,party_size,day,time,notes"
exit "$status"
