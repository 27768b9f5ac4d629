#!/usr/bin/env bash
# Creates localstack/.venv (git-ignored) and installs the pinned emulator stack from
# requirements.txt (moto[server]==5.2.5 and every dependency pinned with ==).
# Idempotent: a stamp file records the hash of requirements.txt; when it matches, nothing
# is done. Safe to call concurrently (flock). Needs only python3 (>=3.9) with venv + PyPI.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.perimeter-setup-stamp"
PY="${PYTHON:-python3}"

want="$(cat "$REQ" "$HERE/setup.sh" | sha256sum | cut -d' ' -f1)"

do_setup() {
  if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" && -x "$VENV/bin/python" ]]; then
    return 0
  fi
  command -v "$PY" >/dev/null 2>&1 || { echo "setup.sh: $PY not found (need Python 3.9+ with venv and pip)" >&2; exit 1; }
  "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' \
    || { echo "setup.sh: Python 3.9+ required, found $("$PY" --version 2>&1)" >&2; exit 1; }
  echo "setup.sh: creating $VENV and installing pinned moto[server] (about a minute)..." >&2
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ" >&2
  "$VENV/bin/python" -c 'import moto, boto3; assert moto.__version__ == "5.2.5", moto.__version__' >&2
  echo "$want" > "$STAMP"
  echo "setup.sh: done ($("$VENV/bin/python" -c 'import moto,boto3;print("moto",moto.__version__,"boto3",boto3.__version__)'))" >&2
}

if command -v flock >/dev/null 2>&1; then
  exec 9>"$HERE/.setup.lock"
  flock 9
fi
do_setup
