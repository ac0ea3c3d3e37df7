#!/usr/bin/env bash
# Install everything and start Hostdesk on http://127.0.0.1:8000 with the embedded SQLite database.
#   HOST=0.0.0.0 ./run.sh    serve the tablets on the restaurant's network
#   HOSTDESK_DEMO=0 ./run.sh start without demo data
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
echo "Hostdesk runs at http://${host}:${port}  (Ctrl+C stops it)"
exec gunicorn --config gunicorn.conf.py --bind "${host}:${port}" --workers "${WORKERS:-2}" \
  --threads "${THREADS:-1}" --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" app:app
