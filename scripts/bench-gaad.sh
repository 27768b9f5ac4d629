#!/usr/bin/env bash
# Offline IAM evaluation: perimeter `evaluate --gaad` next to cloudsplaining on the same
# synthetic get-account-authorization-details dumps (500, 2,000 and 10,000 roles).
#   bash scripts/bench-gaad.sh [N ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SIZES=("${@:-500 2000 10000}")
[ $# -gt 0 ] || SIZES=(500 2000 10000)
OUT="${PERIMETER_BENCH_OUT:-out/bench-gaad}"
mkdir -p "$OUT"
VENV=localstack/.bench-venv
if [ ! -x "$VENV/bin/cloudsplaining" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "cloudsplaining==0.8.2"
fi
PROFILE="${PERIMETER_BENCH_PROFILE:-release}"
if [ "$PROFILE" = release ]; then cargo build --release --quiet --bin perimeter; else cargo build --quiet --bin perimeter; fi
BIN="target/$PROFILE/perimeter"

measure() {  # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time.tmp" "$@" >/dev/null 2>"$OUT/stderr.tmp" || true
  # The last line holds "seconds kbytes" (an earlier line may report a non-zero exit).
  read -r secs kb < <(tail -n 1 "$OUT/time.tmp")
  printf "%-14s %8s s %8s MiB\n" "$label" "$secs" "$((kb / 1024))"
}

for n in "${SIZES[@]}"; do
  f="$OUT/gaad-$n.json"
  [ -f "$f" ] || python3 scripts/gen_gaad.py "$n" "$f"
  echo "== $n roles ($(du -h "$f" | cut -f1))"
  measure "perimeter" "$BIN" evaluate --gaad "$f" --format json
  rm -rf "$OUT/cs-$n"; mkdir -p "$OUT/cs-$n"
  measure "cloudsplaining" "$VENV/bin/cloudsplaining" scan --input-file "$f" --output "$OUT/cs-$n" --skip-open-report
done
