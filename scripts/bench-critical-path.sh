#!/usr/bin/env bash
# Benchmark: perimeter's wall time next to its critical path, the longest chain of AWS calls
# that wait on one another, at a known per-call latency. The fault proxy
# (localstack/faultproxy.py, kinds=latency, rate 1.0) delays every request by LATENCY_MS
# (±25 %, deterministic) so that latency, not the emulator, dominates each call.
#   bash scripts/bench-critical-path.sh [LATENCY_MS ...]   (default: 100 300)
# PERIMETER_BENCH_PROFILE=debug uses the debug build, PERIMETER_BENCH_BIN=PATH a given binary
# (no build); PERIMETER_BENCH_OUT sets the output dir.
#
# The chain is derived from the collector code (src/collect/*.rs) with the call counts of
# each run's snapshot (pages, keys, guardrails...): see chain() below. Each run is traced
# (PERIMETER_LOG=perimeter=debug: one line per attempt, `service:operation account region`)
# with a timestamp added to every line by the reader, which shows where the time went.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LATENCIES=("$@")
[ $# -gt 0 ] || LATENCIES=(100 300)
OUT="${PERIMETER_BENCH_OUT:-out/bench-critical-path}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
PY=localstack/.venv/bin/python

PROFILE="${PERIMETER_BENCH_PROFILE:-release}"
if [ -n "${PERIMETER_BENCH_BIN:-}" ]; then  # a binary built elsewhere: no build
  BIN="$(realpath "$PERIMETER_BENCH_BIN")"
else
  if [ "$PROFILE" = release ]; then cargo build --release --locked --quiet --bin perimeter; else cargo build --locked --quiet --bin perimeter; fi
  BIN="$PWD/target/$PROFILE/perimeter"
fi

export PERIMETER_EMU_STATE_DIR="$PWD/localstack/.run/bench-critical-path"
ENDPOINT="$(bash localstack/start.sh)"
PROXY_PID=""
cleanup() {
  [ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null || true
  bash localstack/stop.sh "$PERIMETER_EMU_STATE_DIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT
"$PY" localstack/seed_demo.py --endpoint "$ENDPOINT" --out "$PERIMETER_EMU_STATE_DIR/demo.json" >&2

"$PY" localstack/faultproxy.py --upstream "$ENDPOINT" --port 0 --seed 1 --rate 1.0 \
  --kinds latency --latency-ms "${LATENCIES[0]}" > "$OUT/proxy.url" 2> "$OUT/proxy.log" &
PROXY_PID=$!
for _ in $(seq 1 50); do [ -s "$OUT/proxy.url" ] && break; sleep 0.1; done
PROXY="$(head -n1 "$OUT/proxy.url")"

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
  AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_MAX_ATTEMPTS AWS_RETRY_MODE

# Timestamps each stderr line as it is read: seconds since $1 (when perimeter was started).
STAMP='import sys,time
t0=float(sys.argv[1])
for line in iter(sys.stdin.buffer.readline, b""):
    sys.stdout.write("%.4f %s" % (time.time()-t0, line.decode("utf-8","replace")))
    sys.stdout.flush()'

# name | perimeter arguments
SCENARIOS=(
  "one-region|collect --quiet --regions us-east-1"
  "all-regions|collect --quiet --regions all"
  "all-regions-unbounded|collect --quiet --regions all --concurrency 1000 --account-concurrency 100"
  "org-2-regions|collect --quiet --org --regions us-east-1,eu-west-1"
  "org-2-regions-unbounded|collect --quiet --org --regions us-east-1,eu-west-1 --concurrency 1000 --account-concurrency 100"
)

# Warm-up, straight to the emulator and not measured: moto builds an account's Region
# backends (default VPC, ...) on first use, which would otherwise land in the first run.
for sc in "${SCENARIOS[@]}"; do
  # shellcheck disable=SC2086
  AWS_ENDPOINT_URL="$ENDPOINT" "$BIN" ${sc#*|} -o "$OUT/warmup.json" >/dev/null 2>&1 || true
done

: > "$OUT/runs.tsv"
for lat in "${LATENCIES[@]}"; do
  curl -s -XPOST "$PROXY/_faults/config" -d "{\"rate\":1.0,\"kinds\":[\"latency\"],\"latency_ms\":$lat}" >/dev/null
  # Per-call latency as a client sees it: sequential boto3 calls through the proxy.
  "$PY" - "$PROXY" "$lat" > "$OUT/probe-$lat.json" <<'PY'
import json, statistics, sys, time
import boto3
url, lat = sys.argv[1], int(sys.argv[2])
mk = lambda s, r="us-east-1": boto3.client(s, endpoint_url=url, region_name=r)
calls = {
    "sts:GetCallerIdentity": lambda c=mk("sts"): c.get_caller_identity(),
    "organizations:ListRoots": lambda c=mk("organizations"): c.list_roots(),
    "iam:ListUsers": lambda c=mk("iam"): c.list_users(),
    "kms:ListKeys": lambda c=mk("kms"): c.list_keys(),
    "ec2:DescribeVpcs": lambda c=mk("ec2"): c.describe_vpcs(),
    "bedrock:ListGuardrails": lambda c=mk("bedrock"): c.list_guardrails(),
    "cloudtrail:DescribeTrails": lambda c=mk("cloudtrail"): c.describe_trails(),
    "logs:DescribeLogGroups": lambda c=mk("logs"): c.describe_log_groups(),
}
per_op = {}
for name, f in calls.items():
    f()  # warm the connection
    ts = []
    for _ in range(7):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    per_op[name] = statistics.median(ts)
print(json.dumps({"latency_ms": lat, "per_op": per_op,
                  "median": statistics.median(per_op.values())}))
PY
  for sc in "${SCENARIOS[@]}"; do
    name="${sc%%|*}"; args="${sc#*|}"
    curl -s -XPOST "$PROXY/_faults/reset" >/dev/null
    tag="$name-$lat"
    # shellcheck disable=SC2086
    t0="$(date +%s.%N)"
    ( PERIMETER_LOG=perimeter=debug AWS_ENDPOINT_URL="$PROXY" /usr/bin/time -f "%e %U %S" \
        -o "$OUT/time-$tag.txt" "$BIN" $args -o "$OUT/snap-$tag.json" 2>&1 >/dev/null \
        | python3 -c "$STAMP" "$t0" > "$OUT/trace-$tag.txt" ) || true
    curl -s "$PROXY/_faults/stats" > "$OUT/stats-$tag.json"
    printf "%s\t%s\t%s\n" "$name" "$lat" "$(tail -n1 "$OUT/time-$tag.txt")" >> "$OUT/runs.tsv"
    echo "$tag: $(tail -n1 "$OUT/time-$tag.txt")" >&2
  done
done

python3 - "$OUT" <<'PY'
import collections, json, math, re, statistics, sys
out = sys.argv[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")

def counts(snap):
    c = collections.Counter()
    for x in snap["meta"]["api_calls"]:
        c[(x["account"], x["region"], f'{x["service"]}:{x["operation"]}')] += x["count"]
    return c

def waves(n, width=8):
    return math.ceil(n / width) if n else 0

def chain(snap):
    """Longest chain of dependent calls, following src/collect/*.rs (each buffered(8)
    fan-out counts one step per 8 items). Returns (prefix, {account: steps})."""
    c = counts(snap)
    caller = snap["meta"]["caller"]["account"]
    g = lambda a, op: c[(a, "global", op)]
    prefix = 1 + 1  # sts:GetCallerIdentity, then organizations:DescribeOrganization
    org = snap.get("organization")
    if org and g(caller, "organizations:ListRoots"):
        # ListRoots; per level of the OU tree (breadth first) ListOrganizationalUnitsForParent
        # then ListAccountsForParent for each parent (8 parents at a time); extra pages in line.
        parents = collections.defaultdict(list)
        for ou in org["ous"]:
            parents[ou["parent_id"]].append(ou["id"])
        level, levels = [org["root_id"]], []
        while level:
            levels.append(level)
            level = [k for p in level for k in parents.get(p, [])]
        queried = sum(len(l) for l in levels)
        extra = (g(caller, "organizations:ListOrganizationalUnitsForParent")
                 + g(caller, "organizations:ListAccountsForParent") - 2 * queried)
        prefix += 1 + sum(2 * waves(len(l)) for l in levels) + max(0, extra)
        prefix += waves(g(caller, "organizations:ListTagsForResource"))
        # ListPolicies (SCP [, RCP]), then DescribePolicy ‖ ListTargetsForPolicy, 8 at a time.
        prefix += g(caller, "organizations:ListPolicies") + waves(g(caller, "organizations:DescribePolicy"))
    per_account = {}
    for acct in snap["accounts"]:
        a = acct["id"]
        steps = 0 if a == caller else 1  # sts:AssumeRole
        if acct.get("iam") is None and not acct["regions"]:
            per_account[a] = steps
            continue
        regions = sorted({r for (x, r, _) in c if x == a and r != "global"})
        if any(c[(a, r, "ec2:DescribeRegions")] for r in regions):
            steps += 1
        # IAM: GAAD pages, then AWS-managed policies not yet cached (GetPolicy → GetPolicyVersion,
        # 8 at a time), then ListUsers pages, then ListServiceSpecificCredentials (8 at a time).
        iam = (g(a, "iam:GetAccountAuthorizationDetails") + 2 * waves(g(a, "iam:GetPolicy"))
               + g(a, "iam:ListUsers") + waves(g(a, "iam:ListServiceSpecificCredentials")))
        worst = 0
        for r in regions:
            k = lambda op: c[(a, r, op)]
            keys = k("kms:DescribeKey")
            per_key = (1 + (k("kms:GetKeyRotationStatus") > 0) + (k("kms:GetKeyPolicy") > 0)
                       + (k("kms:ListResourceTags") > 0))
            kms = k("kms:ListKeys") + k("kms:ListAliases") + waves(keys) * per_key
            guardrails = k("bedrock:GetGuardrail")
            bedrock = max(k("bedrock:GetModelInvocationLoggingConfiguration"),
                          k("bedrock:ListGuardrails") - guardrails + waves(guardrails),
                          k("bedrock:ListInferenceProfiles"),
                          k("bedrock:ListCustomModels") + waves(k("bedrock:GetCustomModel")),
                          k("bedrock:ListEnforcedGuardrailsConfiguration"))
            ec2 = (k("ec2:DescribeVpcs") + k("ec2:DescribeNetworkInterfaces")
                   + k("ec2:DescribeVpcEndpoints") + k("ec2:DescribeSecurityGroups"))
            trail = max(k("cloudtrail:DescribeTrails") + (k("cloudtrail:GetTrailStatus") > 0),
                        k("cloudtrail:LookupEvents"))
            worst = max(worst, kms, bedrock, ec2, trail)
        buckets = sum(c[(a, r, "s3:GetBucketLocation")] for r in regions)
        groups = max([c[(a, r, "logs:DescribeLogGroups")] for r in regions] or [0])
        # Buckets (GetBucketLocation → the four gets together), then log groups.
        storage = (2 if buckets else 0) + (1 if groups else 0)
        per_account[a] = steps + max(iam, worst) + storage
    return prefix, per_account

def schedule(durations, width):
    """Wall of buffer_unordered(width) over accounts in id order."""
    free = [0.0] * width
    for d in durations:
        i = min(range(width), key=lambda j: free[j])
        free[i] += d
    return max(free)

def trace_times(path):
    """(first sts:AssumeRole, per-call latency in situ): the median gap between the first
    calls of the run, which are made one after another with nothing else in flight
    (DescribeOrganization → ListRoots → ListOrganizationalUnitsForParent → ListAccountsForParent
    → the next level)."""
    first_assume, starts = None, []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = ANSI.sub("", line)
        m = re.match(r"([0-9.]+) DEBUG \S+ (\S+:\S+) ", line)
        if not m:
            continue
        t, op = float(m.group(1)), m.group(2)
        starts.append(t)
        if op == "sts:AssumeRole" and first_assume is None:
            first_assume = t
    gaps = [b - a for a, b in zip(starts[1:5], starts[2:6])]
    return first_assume, statistics.median(gaps)

runs = [l.rstrip("\n").split("\t") for l in open(f"{out}/runs.tsv")]
print("| scenario | added latency | calls | chain (calls) | per-call latency: alone (probe) | critical path (chain × alone) | wall | wall ÷ critical path | chain with the accounts in flight | org read: chain × alone → measured |")
print("|---|---|---|---|---|---|---|---|---|---|")
for name, lat, tm in runs:
    wall = float(tm.split()[0])
    tag = f"{name}-{lat}"
    snap = json.load(open(f"{out}/snap-{tag}.json"))
    probe = json.load(open(f"{out}/probe-{lat}.json"))
    first_assume, L = trace_times(f"{out}/trace-{tag}.txt")
    prefix, per = chain(snap)
    longest = prefix + max(per.values())
    # perimeter keeps concurrency / account-concurrency + 1 accounts in flight (5 by default).
    in_flight = 1000 // 100 + 1 if "unbounded" in name else 32 // 8 + 1
    sched = prefix + schedule([per[a] for a in sorted(per)], in_flight)
    calls = sum(x["count"] for x in snap["meta"]["api_calls"])
    org_read = f"{prefix * L:.2f} s → {first_assume:.2f} s" if first_assume else "—"
    print(f"| {name} | {lat} ms | {calls} | {longest} | {L*1000:.0f} ms ({probe['median']*1000:.0f} ms) "
          f"| {longest * L:.2f} s | {wall:.2f} s | {wall / (longest * L):.2f} "
          + (f"| {sched:.0f} ({in_flight} in flight): {sched * L:.2f} s " if len(per) > 1 else "| — ")
          + f"| {org_read} |")
    json.dump({"prefix": prefix, "per_account": per, "with_accounts_in_flight": sched,
               "latency_in_situ": L, "latency_probe": probe},
              open(f"{out}/chain-{tag}.json", "w"), indent=1)
PY
