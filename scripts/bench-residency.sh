#!/usr/bin/env bash
# Benchmark: the residency scan (and the threat checks) over N CloudTrail events.
#   bash scripts/bench-residency.sh [EVENTS]   (default 10000)
# Builds a snapshot from tests/fixtures/snapshots/usage.json whose EU-bound member holds
# EVENTS invocation events in eu-west-1 (a tenth served in us-east-2), then times
# `perimeter residency --snapshot` and `perimeter evaluate` (every check) on it and on the
# same snapshot with no events, under /usr/bin/time -v: the difference is the scan's cost.
# PERIMETER_BENCH_PROFILE=debug reuses the test build instead of a release build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
N="${1:-10000}"
OUT="${PERIMETER_BENCH_OUT:-out/bench}"
mkdir -p "$OUT"
PROFILE="${PERIMETER_BENCH_PROFILE:-release}"
if [ "$PROFILE" = release ]; then cargo build --release --locked --quiet --bin perimeter; else cargo build --locked --quiet --bin perimeter; fi
BIN="target/$PROFILE/perimeter"

python3 - "$N" "$OUT" <<'PY'
import copy, json, sys
n, out = int(sys.argv[1]), sys.argv[2]
snap = json.load(open("tests/fixtures/snapshots/usage.json"))
member = next(a for a in snap["accounts"] if a["id"] == "444455556666")
window = member["regions"]["eu-west-1"]["cloudtrail"]["bedrock_events"]
template = window["events"][0]
events = []
for i in range(n):
    e = copy.deepcopy(template)
    e["id"] = f"ev-{i:08d}"
    e["time"] = f"2026-10-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i // 60) % 60:02d}Z"
    e["inference_region"] = "us-east-2" if i % 10 == 0 else ["eu-central-1", "eu-west-3", "eu-north-1"][i % 3]
    e["name"] = ["InvokeModel", "Converse", "ConverseStream"][i % 3]
    events.append(e)
window["events"] = events
json.dump(snap, open(f"{out}/residency-{n}.json", "w"))
window["events"] = []
json.dump(snap, open(f"{out}/residency-0.json", "w"))
PY

measure() { # label, command...
  local label="$1"; shift
  /usr/bin/time -v "$@" > /dev/null 2> "$OUT/time-$label.txt" || true
  python3 - "$label" "$OUT/time-$label.txt" <<'PY'
import re, sys
t = open(sys.argv[2]).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
print(f"{sys.argv[1]:<28} wall {wall:>8}  peak RSS {rss/1024:7.1f} MiB")
PY
}
echo "residency scan over $N events ($PROFILE build):"
for run in 1 2 3; do
  measure "residency-0#$run" "$BIN" residency --snapshot "$OUT/residency-0.json"
  measure "residency-$N#$run" "$BIN" residency --snapshot "$OUT/residency-$N.json"
  measure "evaluate-0#$run" "$BIN" evaluate "$OUT/residency-0.json" --format json
  measure "evaluate-$N#$run" "$BIN" evaluate "$OUT/residency-$N.json" --format json
done
ls -l "$OUT/residency-$N.json" | awk '{printf "snapshot with the events: %.1f MiB\n", $5/1048576}'
