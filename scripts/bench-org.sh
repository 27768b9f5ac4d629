#!/usr/bin/env bash
# Benchmark: collect an organisation of 50+ member accounts over 4 Regions from the local
# emulator, and report wall time, peak memory and AWS API calls per account and Region.
#   bash scripts/bench-org.sh [MEMBERS]   (default 50)
# PERIMETER_BENCH_FAULTS=0.1 then runs the same collection twice more through
# localstack/faultproxy.py: without faults, then with that rate of injected faults (kinds
# from PERIMETER_BENCH_FAULT_KINDS, default throttle; seed PERIMETER_BENCH_FAULT_SEED,
# default 10), and reports for each the wall time, requests vs calls (the retries), and
# whether `perimeter evaluate` gives the same findings, (check, account, Region, resource)
# -> status, as the first, clean run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MEMBERS="${1:-50}"
REGIONS="us-east-1,eu-west-1,ap-northeast-1,us-west-2"
export PERIMETER_EMU_STATE_DIR="$PWD/localstack/.run/bench"
OUT="${PERIMETER_BENCH_OUT:-out/bench}"
mkdir -p "$OUT"

# PERIMETER_BENCH_PROFILE=debug reuses the test build instead of a release build.
PROFILE="${PERIMETER_BENCH_PROFILE:-release}"
if [ "$PROFILE" = release ]; then cargo build --release --locked --quiet --bin perimeter; else cargo build --locked --quiet --bin perimeter; fi
BIN="target/$PROFILE/perimeter"
FAULTS="${PERIMETER_BENCH_FAULTS:-}"
ENDPOINT="$(bash localstack/start.sh)"
PROXY_PID=""
cleanup() {
  [ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null || true
  bash localstack/stop.sh "$PERIMETER_EMU_STATE_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT
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

[ -n "$FAULTS" ] || exit 0

# The same collection through the fault proxy: first with no faults (the emulator is warm
# now, and the proxy's own cost is the same in both), then with them.
KINDS="${PERIMETER_BENCH_FAULT_KINDS:-throttle}"
SEED="${PERIMETER_BENCH_FAULT_SEED:-10}"
localstack/.venv/bin/python localstack/faultproxy.py --upstream "$ENDPOINT" --port 0 \
  --rate 0 --kinds "$KINDS" --seed "$SEED" > "$OUT/proxy.url" 2> "$OUT/proxy.log" &
PROXY_PID=$!
for _ in $(seq 1 50); do [ -s "$OUT/proxy.url" ] && break; sleep 0.1; done
PROXY="$(head -n1 "$OUT/proxy.url")"
for run in proxy-clean faults; do
  if [ "$run" = faults ]; then
    curl -s -XPOST "$PROXY/_faults/config" -d "{\"rate\": $FAULTS}" >/dev/null
  fi
  curl -s -XPOST "$PROXY/_faults/reset" >/dev/null
  PERIMETER_LOG=perimeter=info AWS_ENDPOINT_URL="$PROXY" /usr/bin/time -v "$BIN" collect --quiet --org \
    --regions "$REGIONS" -o "$OUT/org-snapshot-$run.json" 2> "$OUT/time-$run.txt" \
    || { cat "$OUT/time-$run.txt" >&2; exit 1; }
  curl -s "$PROXY/_faults/stats" > "$OUT/stats-$run.json"
done
for s in org-snapshot org-snapshot-faults; do
  "$BIN" evaluate "$OUT/$s.json" --format json > "$OUT/$s.findings.json" || [ $? -eq 1 ]
done

python3 - "$OUT" "$FAULTS" "$KINDS" "$SEED" <<'PY'
import json, re, sys
out, rate, kinds, seed = sys.argv[1:5]
for run, title in (("proxy-clean", "through the proxy, no faults (warm)"),
                   ("faults", f"through the proxy, {float(rate):.0%} {kinds}, seed {seed}")):
    t = open(f"{out}/time-{run}.txt").read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1)
    cpu = re.search(r"Percent of CPU this job got: (.*)", t).group(1)
    fin = re.search(r"collection finished.*", t)
    snap = json.load(open(f"{out}/org-snapshot-{run}.json"))
    calls = sum(c["count"] for c in snap["meta"]["api_calls"])
    stats = json.load(open(f"{out}/stats-{run}.json"))
    print(f"== {title}")
    print(f"wall time: {wall}; CPU: {cpu}; gaps: {len(snap['gaps'])}")
    print(f"calls (snapshot): {calls}; requests (proxy): {stats['requests']}; "
          f"retries: {stats['requests'] - calls}; injected: {stats['injected']}")
    if fin:
        print("perimeter:", re.sub(r"\x1b\[[0-9;]*m", "", fin.group(0)))
def verdicts(path):
    r = json.load(open(path))
    return {(f["check"], f["account"], f["region"], f["resource"]): f["status"] for f in r["findings"]}
clean, faulty = verdicts(f"{out}/org-snapshot.findings.json"), verdicts(f"{out}/org-snapshot-faults.findings.json")
diff = sorted(k for k in clean.keys() | faulty.keys() if clean.get(k) != faulty.get(k))
print(f"findings: clean {len(clean)}, with faults {len(faulty)}; "
      + ("identical" if not diff else f"{len(diff)} differ"))
for k in diff[:20]:
    print(f"  {k}: {clean.get(k)} -> {faulty.get(k)}")
PY
