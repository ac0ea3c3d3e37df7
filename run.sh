#!/usr/bin/env bash
# Install everything and start Hostdesk on http://127.0.0.1:8000 with the embedded SQLite database.
#   HOST=0.0.0.0 ./run.sh    serve the tablets on the restaurant's network (refused while the demo logins work)
#   HTTPS=1 ./run.sh         serve HTTPS with a certificate authority of this install (see README)
#   HOSTDESK_DEMO=0 ./run.sh start without demo data (the first manager is made on the first-run page)
#   DATABASE_URL=postgresql://user@host/db ./run.sh   use PostgreSQL instead of SQLite
set -euo pipefail
umask 077  # the instance folder, the database with its WAL, uploads and keys: this user's only
cd "$(dirname "$0")"
source scripts/venv.sh requirements.txt

export FLASK_APP=app
flask --app app db upgrade
if [ "${HOSTDESK_DEMO:-1}" != "0" ] && flask --app app db-is-empty; then
  flask --app app seed-demo
  cat <<'INFO'
Demo logins (user / password / PIN):
  host    / demo-host    / 1111
  staff   / demo-staff   / 2222
  manager / demo-manager / 3333
INFO
fi
host="${HOST:-127.0.0.1}"
port="${PORT:-8000}"
case "$host" in
  127.*|localhost|::1|\[::1\]) loopback=1 ;;
  *) loopback=0 ;;
esac
if [ "$loopback" = 0 ] && [ "${HOSTDESK_DEMO_ON_NETWORK:-0}" != "1" ] && names="$(flask --app app demo-logins)"; then
  cat >&2 <<REFUSED
Not serving on ${host}: the demo logins (${names}) still work on this database, with the passwords
README publishes, so anyone on the network could sign in as a manager.
  Start clean: stop Hostdesk, move the database away (SQLite: instance/hostdesk.db and the
  hostdesk.db-wal and hostdesk.db-shm beside it; or give a new DATABASE_URL), then run
      HOSTDESK_DEMO=0 HOST=${host} ./run.sh
  and create the first manager on the first-run page. Or give the demo users new passwords
  under Manager -> Users.
  To show the demo on the network on purpose: HOSTDESK_DEMO_ON_NETWORK=1 HOST=${host} ./run.sh
REFUSED
  exit 1
fi
scheme=http
tls=()
if [ "${HTTPS:-0}" = "1" ]; then
  read -r certfile keyfile < <(flask --app app tls-certificate "$host")
  tls=(--certfile "$certfile" --keyfile "$keyfile")
  export HOSTDESK_HTTPS=1  # Secure cookies and HSTS
  scheme=https
  echo "HTTPS with this install's own certificate authority: install ${certfile%/*}/hostdesk-ca.crt"
  echo "on each tablet once (README, \"HTTPS on the restaurant's network\")."
fi
if flask --app app db-is-empty; then
  code="$(flask --app app first-run-code)"
  echo "No user yet: create the first manager at ${scheme}://127.0.0.1:${port}/setup on this machine,"
  echo "or from a tablet at ${scheme}://<this machine>:${port}/setup with the one-time code ${code}"
fi
echo "Hostdesk runs at ${scheme}://${host}:${port}  (Ctrl+C stops it)"
exec gunicorn --config gunicorn.conf.py --bind "${host}:${port}" --workers "${WORKERS:-2}" \
  --threads "${THREADS:-1}" --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" "${tls[@]}" app:app
