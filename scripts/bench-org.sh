#!/usr/bin/env bash
# Benchmark: collect an organisation of 50+ member accounts over 4 Regions from the local
# emulator, and report wall time, peak memory and AWS API calls per account and Region.
#   bash scripts/bench-org.sh [MEMBERS]   (default 50)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MEMBERS="${1:-50}"
REGIONS="us-east-1,eu-west-1,ap-northeast-1,us-west-2"
export PERIMETER_EMU_STATE_DIR="$PWD/localstack/.run/bench"
OUT="${PERIMETER_BENCH_OUT:-out/bench}"
mkdir -p "$OUT"

# PERIMETER_BENCH_PROFILE=debug reuses the test build instead of a release build.
PROFILE="${PERIMETER_BENCH_PROFILE:-release}"
if [ "$PROFILE" = release ]; then cargo build --release --quiet --bin perimeter; else cargo build --quiet --bin perimeter; fi
BIN="target/$PROFILE/perimeter"
ENDPOINT="$(bash localstack/start.sh)"
trap 'bash localstack/stop.sh "$PERIMETER_EMU_STATE_DIR" >/dev/null 2>&1 || true' EXIT
localstack/.venv/bin/python localstack/seed_demo.py --endpoint "$ENDPOINT" --members "$MEMBERS" \
  --out "$PERIMETER_EMU_STATE_DIR/bench.json" >&2

export AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN

/usr/bin/time -v "$BIN" collect --quiet --org --regions "$REGIONS" \
  -o "$OUT/org-snapshot.json" 2> "$OUT/time.txt" || { cat "$OUT/time.txt" >&2; exit 1; }
EMU_PID="$(cat "$PERIMETER_EMU_STATE_DIR/emulator.pid")"

python3 - "$OUT/org-snapshot.json" "$OUT/time.txt" <<'PY'
import json, sys, re, collections
snap = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
cpu = re.search(r"Percent of CPU this job got: (.*)", t).group(1)
calls = snap["meta"]["api_calls"]
total = sum(c["count"] for c in calls)
accounts = [a for a in snap["accounts"] if a.get("iam") is not None]
regions = snap["meta"]["regions"]
per_ar = collections.Counter()
per_service = collections.Counter()
for c in calls:
    per_ar[(c["account"], c["region"])] += c["count"]
    per_service[(c["service"], c["operation"])] += c["count"]
regional = [v for (a, r), v in per_ar.items() if r and r != "global"]
print(f"accounts audited: {len(accounts)} of {len(snap['accounts'])}; Regions: {len(regions)}; gaps: {len(snap['gaps'])}")
print(f"wall time: {wall}; peak RSS: {rss/1024:.1f} MiB; CPU: {cpu}")
print(f"AWS API calls: {total} in all; {total/max(1,len(accounts)*len(regions)):.1f} per account and Region")
if regional:
    print(f"regional calls per account and Region: min {min(regional)}, max {max(regional)}")
print("calls by operation (top 15):")
for (s, o), n in per_service.most_common(15):
    print(f"  {s}:{o} {n}")
PY
