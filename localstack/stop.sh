#!/usr/bin/env bash
# Stops the emulator started by start.sh, by PID. State dir: first argument, else
# $PERIMETER_EMU_STATE_DIR, else localstack/.run. Succeeds if it is already gone.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_DIR="${1:-${PERIMETER_EMU_STATE_DIR:-$HERE/.run}}"
PID_FILE="$STATE_DIR/emulator.pid"
if [[ ! -f "$PID_FILE" ]]; then
  echo "stop.sh: no emulator pid file in $STATE_DIR (nothing to stop)" >&2
  exit 0
fi
PID="$(cat "$PID_FILE")"
if [[ "$PID" =~ ^[0-9]+$ ]] && kill -0 "$PID" 2>/dev/null; then
  kill "$PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$PID" 2>/dev/null; then kill -9 "$PID" 2>/dev/null || true; fi
  echo "stop.sh: stopped emulator (pid $PID)" >&2
else
  echo "stop.sh: emulator (pid $PID) was not running" >&2
fi
rm -f "$PID_FILE" "$STATE_DIR/endpoint"
exit 0
