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
# each run's snapshot (pages, keys, agents, budgets...) and, where counts cannot tell, its
# data (OU levels, policies per type, guardrails): see chain() below. It assumes a free slot
# for every call; the concurrency limits (run-wide, and per account, Region and service) can only
# lengthen it. Each run is traced (PERIMETER_LOG=perimeter=debug: one line per attempt,
# `service:operation account region`) with a timestamp added to every line by the reader,
# which shows where the time went and gives the per-call latency in situ (trace_times()).
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

# config::global_region: the Region of a partition where once-per-account global reads
# (Budgets, Cost Explorer) and the global services' CloudTrail events live.
GLOBAL_REGION = {"aws-cn": "cn-northwest-1", "aws-us-gov": "us-gov-west-1"}

def chain(snap):
    """Longest chain of dependent calls, following src/collect/*.rs: calls awaited one
    after another add up, calls run side by side (join!, join_all) count as their longest
    branch, and a buffered(N) fan-out counts one step per N items ("waves"; N is 8 for
    Organizations, IAM and KMS, 6 for Bedrock, 4 for bedrock-agent, AgentCore, the usage
    reads and application-profile tags). Pages are read in line. Counts come from
    meta.api_calls; where they cannot tell (OU levels, policies per type, guardrails) the
    snapshot's data. The chain assumes every call gets a slot at once: the run-wide limit
    (--concurrency) and the per-account limit per Region and service (--account-concurrency,
    context.rs:RegionLimits, "global" being one Region) can only lengthen it.
    Returns (prefix, {account: steps})."""
    c = counts(snap)
    caller = snap["meta"]["caller"]["account"]
    arn = snap["meta"]["caller"].get("arn") or ""
    partition = arn.split(":")[1] if arn.count(":") >= 2 and arn.split(":")[1] else "aws"
    global_region = GLOBAL_REGION.get(partition, "us-east-1")
    g = lambda a, op: c[(a, "global", op)]
    total = collections.Counter()  # (account, operation) over all Regions
    for (a, _, op), n in c.items():
        total[(a, op)] += n

    # mod.rs:caller_identity (sts:GetCallerIdentity), then org.rs:membership
    # (organizations:DescribeOrganization).
    prefix = 1 + 1
    org = snap.get("organization")
    if org and g(caller, "organizations:ListRoots"):
        # org.rs:read_organization: ListRoots, then the structure ‖ the policies.
        o = lambda op: g(caller, "organizations:" + op)
        # Structure: per level of the OU tree (breadth first), for each parent (8 at a time)
        # children_ous ‖ children_accounts; pages beyond the first in line (counts do not say
        # which parent had them: counted in full, an upper bound).
        parents = collections.defaultdict(list)
        for ou in org["ous"]:
            parents[ou["parent_id"]].append(ou["id"])
        level, levels = [org["root_id"]], []
        while level:
            levels.append(level)
            level = [k for p in level for k in parents.get(p, [])]
        queried = sum(len(l) for l in levels)
        extra = (max(0, o("ListOrganizationalUnitsForParent") - queried)
                 + max(0, o("ListAccountsForParent") - queried))
        structure = sum(waves(len(l)) for l in levels) + extra
        # ... then resource_tags per account (8 at a time), then, when BEDROCK_POLICY is
        # enabled, effective_bedrock_policy (DescribeEffectivePolicy) per account (8 at a time).
        structure += waves(o("ListTagsForResource")) + waves(o("DescribeEffectivePolicy"))
        # Policies: list_policies per type, one type after the other (SCP, RCP if enabled,
        # BEDROCK_POLICY if enabled): ListPolicies pages, then per policy (8 at a time)
        # DescribePolicy ‖ ListTargetsForPolicy (extra target pages in line).
        kinds = collections.Counter(p.get("kind") for p in org.get("policies") or [])
        per_type = [kinds["SERVICE_CONTROL_POLICY"], kinds["RESOURCE_CONTROL_POLICY"],
                    len(org.get("bedrock_policies") or [])]
        policies = (o("ListPolicies") + sum(waves(n) for n in per_type)
                    + max(0, o("ListTargetsForPolicy") - o("DescribePolicy")))
        prefix += 1 + max(structure, policies)

    per_account = {}
    for acct in snap["accounts"]:
        a = acct["id"]
        steps = 0 if a == caller else 1  # mod.rs:collect: sts:AssumeRole for a member
        if acct.get("iam") is None and not acct["regions"]:
            per_account[a] = steps  # not entered (or timed out): nothing after AssumeRole
            continue
        t = lambda op: total[(a, op)]
        # account.rs:resolve_regions: with --regions all, ec2:DescribeRegions (default Region)
        # before anything else.
        if t("ec2:DescribeRegions"):
            steps += 1

        # account.rs:collect_account: IAM ‖ every Region (join_all) ‖ billing, then storage.
        # iam.rs:collect_iam: GAAD pages, then AWS-managed policies not yet cached (8 at a
        # time, GetPolicy → GetPolicyVersion), then ListUsers pages (password_last_used),
        # then ListServiceSpecificCredentials per user (8 at a time).
        iam = (g(a, "iam:GetAccountAuthorizationDetails") + 2 * waves(g(a, "iam:GetPolicy"))
               + g(a, "iam:ListUsers") + waves(g(a, "iam:ListServiceSpecificCredentials")))

        # usage.rs:billing, once per account from the partition's first Region: budgets ‖
        # (payer only) GetAnomalyMonitors ‖ GetAnomalySubscriptions ‖ ListCostAllocationTags.
        # usage.rs:budgets: DescribeBudgets pages, then per budget (4 at a time)
        # DescribeNotificationsForBudget → DescribeSubscribersForNotification per
        # notification (4 at a time) → DescribeBudgetActionsForBudget.
        nbudgets = max(t("budgets:DescribeNotificationsForBudget"),
                       t("budgets:DescribeBudgetActionsForBudget"))
        per_budget = ((t("budgets:DescribeNotificationsForBudget") > 0)
                      + (t("budgets:DescribeSubscribersForNotification") > 0)
                      + (t("budgets:DescribeBudgetActionsForBudget") > 0))
        budgets = t("budgets:DescribeBudgets") + waves(nbudgets, 4) * per_budget
        ce = max(t("ce:GetAnomalyMonitors"), t("ce:GetAnomalySubscriptions"),
                 t("ce:ListCostAllocationTags"))
        billing = max(budgets, ce)
        payer = ce > 0  # only the payer's Cost Explorer is read

        worst = 0
        for r in sorted(acct["regions"]):
            k = lambda op: c[(a, r, op)]
            rd = acct["regions"][r] or {}
            # The Region's seven branches run side by side (account.rs:collect_account).
            # kms.rs:collect_kms: ListKeys ‖ ListAliases (pages), then per key (8 at a time)
            # DescribeKey → (GetKeyRotationStatus ‖ GetKeyPolicy ‖ ListResourceTags).
            after_describe = any(k(op) for op in (
                "kms:GetKeyRotationStatus", "kms:GetKeyPolicy", "kms:ListResourceTags"))
            kms = (max(k("kms:ListKeys"), k("kms:ListAliases"))
                   + waves(k("kms:DescribeKey")) * (1 + after_describe))
            # bedrock.rs:collect_bedrock, six reads side by side:
            # logging: GetModelInvocationLoggingConfiguration.
            # guardrails: ListGuardrails pages, then per guardrail (6 at a time) GetGuardrail
            # (DRAFT) ‖ ListGuardrails(id) ‖ ListTagsForResource ‖ GetResourcePolicy, then the
            # newest ≤5 published versions' GetGuardrail (one wave of 6).
            ngr = len((rd.get("bedrock") or {}).get("guardrails") or [])
            guardrails = (max(0, k("bedrock:ListGuardrails") - ngr)
                          + waves(ngr, 6) * (1 + (k("bedrock:GetGuardrail") > ngr)))
            # inference_profiles: ListInferenceProfiles SYSTEM_DEFINED pages, then APPLICATION
            # pages, then ListTagsForResource per application profile (4 at a time; the rest
            # of bedrock:ListTagsForResource is one per guardrail).
            profiles = (k("bedrock:ListInferenceProfiles")
                        + waves(max(0, k("bedrock:ListTagsForResource") - ngr), 4))
            # custom_models: ListCustomModels pages, then GetCustomModel (6 at a time);
            # enforced_guardrails and batch_jobs (ListModelInvocationJobs): pages.
            bedrock = max(k("bedrock:GetModelInvocationLoggingConfiguration"), guardrails,
                          profiles,
                          k("bedrock:ListCustomModels") + waves(k("bedrock:GetCustomModel"), 6),
                          k("bedrock:ListEnforcedGuardrailsConfiguration"),
                          k("bedrock:ListModelInvocationJobs"))
            # ... then, after all of it, cloudwatch.rs:delivery_failures (GetMetricData pages)
            # where logging is configured (account.rs: bedrock_then_metrics).
            bedrock += k("cloudwatch:GetMetricData")
            # ec2.rs:collect_ec2, all in line: DescribeVpcs → DescribeNetworkInterfaces (if
            # any VPC) → DescribeVpcEndpoints → DescribeSecurityGroups (200 ids a call).
            ec2 = (k("ec2:DescribeVpcs") + k("ec2:DescribeNetworkInterfaces")
                   + k("ec2:DescribeVpcEndpoints") + k("ec2:DescribeSecurityGroups"))
            # cloudtrail.rs:collect_cloudtrail: trails (DescribeTrails, then GetTrailStatus ‖
            # GetEventSelectors for every trail) ‖ bedrock_activity ‖ (the partition's first
            # Region only) global_events: LookupEvents pages per event source, the sources
            # side by side (Bedrock; Marketplace; Organizations for the payer). Counts do not
            # say which source had extra pages: all on one (exact when only one has them).
            sources = 1 + ((1 + payer) if r == global_region else 0)
            lookups = k("cloudtrail:LookupEvents")
            events = max(min(lookups, 1), lookups - (sources - 1))
            trail_reads = k("cloudtrail:GetTrailStatus") or k("cloudtrail:GetEventSelectors")
            cloudtrail = max(k("cloudtrail:DescribeTrails") + (trail_reads > 0), events)
            # agents.rs:collect_agents, four lists side by side, each then per item (4 at a
            # time): agent: GetAgent ‖ ListAgentAliases, then GetAgentVersion per routed
            # version (4 at a time); knowledge base: GetKnowledgeBase ‖ (ListDataSources →
            # GetDataSource, 4 at a time); flow: GetFlow ‖ ListFlowAliases, then GetFlowVersion
            # (4 at a time); prompt: GetPrompt.
            ba = lambda op: k("bedrock-agent:" + op)
            estate = max(
                ba("ListAgents") + waves(ba("GetAgent"), 4) * (1 + (ba("GetAgentVersion") > 0)),
                ba("ListKnowledgeBases")
                + waves(ba("GetKnowledgeBase"), 4) * (1 + (ba("GetDataSource") > 0)),
                ba("ListFlows") + waves(ba("GetFlow"), 4) * (1 + (ba("GetFlowVersion") > 0)),
                ba("ListPrompts") + waves(ba("GetPrompt"), 4))
            # ... then, after all four, agents.rs:vector_stores (account.rs: agents_then_stores):
            # aoss:ListCollections pages, then s3vectors:GetVectorBucket (4 at a time).
            estate += k("aoss:ListCollections") + waves(k("s3vectors:GetVectorBucket"), 4)
            # agentcore.rs:collect_agentcore: runtimes ‖ gateways ‖ memories, each a list then
            # per item (4 at a time) Get* (‖ GetResourcePolicy for runtimes and gateways).
            ac = lambda op: k("bedrock-agentcore-control:" + op)
            agentcore = max(ac("ListAgentRuntimes") + waves(ac("GetAgentRuntime"), 4),
                            ac("ListGateways") + waves(ac("GetGateway"), 4),
                            ac("ListMemories") + waves(ac("GetMemory"), 4))
            # usage.rs: alarms (DescribeAlarms pages) ‖ detectors (ListDetectors pages, then
            # GetDetector, 4 at a time) ‖ quotas (ListServiceQuotas ‖ ListAWSDefaultServiceQuotas).
            usage = max(k("cloudwatch:DescribeAlarms"),
                        k("guardduty:ListDetectors") + waves(k("guardduty:GetDetector"), 4),
                        k("service-quotas:ListServiceQuotas"),
                        k("service-quotas:ListAWSDefaultServiceQuotas"))
            worst = max(worst, kms, bedrock, ec2, cloudtrail, estate, agentcore, usage)

        # account.rs:attach_storage, after IAM, every Region and billing: the buckets the
        # Region data names (GetBucketLocation → the four gets together, all buckets side by
        # side) ‖ the log groups (DescribeLogGroups, all side by side).
        bucket_gets = any(t(op) for op in ("s3:GetBucketEncryption", "s3:GetPublicAccessBlock",
                                           "s3:GetBucketPolicy", "s3:GetObjectLockConfiguration"))
        storage = max((t("s3:GetBucketLocation") > 0) + bucket_gets,
                      int(t("logs:DescribeLogGroups") > 0))
        per_account[a] = steps + max(iam, worst, billing) + storage
    return prefix, per_account

def schedule(durations, width):
    """Wall of buffer_unordered(width) over accounts in id order."""
    free = [0.0] * width
    for d in durations:
        i = min(range(width), key=lambda j: free[j])
        free[i] += d
    return max(free)

# The run's first calls, each awaited before the next (mod.rs:collect): after ListRoots the
# OU tree and the policies are read side by side (org.rs:read_organization).
FIRST_CALLS = ["sts:GetCallerIdentity", "organizations:DescribeOrganization",
               "organizations:ListRoots"]

def trace_times(path):
    """(first sts:AssumeRole, per-call latency in situ): the median gap between the starts
    of the run's first calls, made one after another with nothing else in flight
    (GetCallerIdentity → DescribeOrganization → ListRoots → the first call after it).
    Later gaps mix branches that run side by side, so they are not used."""
    first_assume, starts = None, []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = ANSI.sub("", line)
        # An attempt's start, not its failure ("service:Operation failed: ...").
        m = re.match(r"([0-9.]+) DEBUG \S+ (\S+:\S+) (?!failed:)", line)
        if not m:
            continue
        t, op = float(m.group(1)), m.group(2)
        starts.append((t, op))
        if op == "sts:AssumeRole" and first_assume is None:
            first_assume = t
    lead = 0
    while lead < min(len(FIRST_CALLS), len(starts)) and starts[lead][1] == FIRST_CALLS[lead]:
        lead += 1
    gaps = [starts[i + 1][0] - starts[i][0] for i in range(min(lead, len(starts) - 1))]
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
    # mod.rs:collect keeps max(concurrency / account-concurrency, 1) + 1 accounts in flight
    # (buffer_unordered: 9 by default, 11 unbounded). account-concurrency bounds each account's
    # calls per Region and service ("global" being one Region: context.rs:RegionLimits), so an
    # account is held back by the run-wide --concurrency rather than by its own limit.
    in_flight = 1000 // 100 + 1 if "unbounded" in name else 64 // 8 + 1
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
