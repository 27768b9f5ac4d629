#!/usr/bin/env bash
# Starts the local AWS emulator (moto 5.2.5 + perimeter's test extension, the emulator/ package)
# on 127.0.0.1 and prints exactly one line on stdout: http://127.0.0.1:<port>
#
#   PERIMETER_EMU_PORT       port to use (default: a free port chosen at random)
#   PERIMETER_EMU_STATE_DIR  where pid / endpoint / log go (default: localstack/.run)
#
# Writes $STATE_DIR/emulator.pid, $STATE_DIR/endpoint and $STATE_DIR/emulator.log.
# Everything else (setup progress, errors) goes to stderr. Exit 1 if it does not come up.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_DIR="${PERIMETER_EMU_STATE_DIR:-$HERE/.run}"
PY="$HERE/.venv/bin/python"

"$HERE/setup.sh" >&2

mkdir -p "$STATE_DIR"
STATE_DIR="$(cd "$STATE_DIR" && pwd)"
PID_FILE="$STATE_DIR/emulator.pid"
LOG="$STATE_DIR/emulator.log"

if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  echo "start.sh: an emulator is already running from $STATE_DIR (pid $(cat "$PID_FILE")); run stop.sh first or use another PERIMETER_EMU_STATE_DIR" >&2
  exit 1
fi

if [[ -n "${PERIMETER_EMU_PORT:-}" ]]; then
  PORT="$PERIMETER_EMU_PORT"
  if ! "$PY" -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.close()' "$PORT" 2>/dev/null; then
    echo "start.sh: port $PORT on 127.0.0.1 (PERIMETER_EMU_PORT) is in use or invalid" >&2
    exit 1
  fi
else
  PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
fi
URL="http://127.0.0.1:$PORT"

(cd "$HERE" && export MOTO_IAM_LOAD_MANAGED_POLICIES=true MOTO_PORT="$PORT" \
  && exec nohup "$PY" -m emulator --host 127.0.0.1 --port "$PORT") >"$LOG" 2>&1 </dev/null &
PID=$!
echo "$PID" > "$PID_FILE"

# Bounded wait (~30 s): a signed STS call must answer.
if ! "$PY" - "$URL" "$PID" <<'PYEOF' >&2
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
hdr = {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x",
       "Content-Type": "application/x-www-form-urlencoded"}
deadline = time.time() + 30
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        print("start.sh: the emulator process exited during start-up", file=sys.stderr); sys.exit(1)
    try:
        req = urllib.request.Request(url + "/", data=b"Action=GetCallerIdentity&Version=2011-06-15", headers=hdr)
        if urllib.request.urlopen(req, timeout=2).status == 200:
            time.sleep(0.3)
            os.kill(pid, 0)  # still ours: it did not die on a port clash
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.2)
print(f"start.sh: the emulator did not answer at {url} within 30 s", file=sys.stderr)
sys.exit(1)
PYEOF
then
  echo "start.sh: last lines of $LOG:" >&2
  tail -n 30 "$LOG" >&2 || true
  kill "$PID" 2>/dev/null || true
  rm -f "$PID_FILE"
  exit 1
fi

echo "$URL" > "$STATE_DIR/endpoint"
echo "$URL"
