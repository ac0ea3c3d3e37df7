# Sourced by run.sh and test.sh: a virtual environment in .venv with the given requirements file
# installed (skipped when nothing changed since the last install), then activated.
py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Hostdesk needs Python 3.11 or newer (found: $("$py" --version 2>&1))." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$py" -m venv .venv
stamp=".venv/.installed-$(basename "$1")"
wanted="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  # The stamp only after everything installed: a failed install is tried again next time.
  if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"; }; then
    echo "Installing $1 failed (see above)." >&2
    exit 1
  fi
  echo "$wanted" > "$stamp"
fi
# shellcheck disable=SC1091
source .venv/bin/activate
