#!/usr/bin/env bash
# Benchmark: perimeter next to Prowler on the same emulator server and the same seeded
# account (the demo organisation's management account), one Region and all Regions, with
# retries off and with each tool's default retries. Runs are interleaved (perimeter,
# Prowler, perimeter, ...); each is timed with /usr/bin/time (wall, user and system CPU of
# the tool's own processes, not the emulator's); the medians are printed as a table.
#   bash scripts/bench-prowler.sh [RUNS]   (default 3)
#
# perimeter: release build, `perimeter audit --format json` (all checks, collection and
#   evaluation), `--regions us-east-1` or `--regions all`; retries off = `--max-attempts 1`.
# Prowler: PyPI `prowler` (pinned below) in its own throwaway virtualenv
#   (localstack/.bench-prowler-venv, git-ignored, never the emulator's venv), restricted to
#   the services comparable to perimeter's scope ($PROWLER_SERVICES), `-f us-east-1` or `-f`
#   with every Region the account has enabled (as `--regions all`), one output format;
#   retries off = `--aws-retries-max-attempts 0` (botocore's `max_attempts` counts retries, not attempts;
#   Prowler sets the retry config itself, so AWS_MAX_ATTEMPTS would be ignored). Defaults: perimeter
#   standard mode, 5 attempts; Prowler standard mode, 3 retries (4 attempts).
# PERIMETER_BENCH_SCOPES (default "one all") and PERIMETER_BENCH_RETRIES (default "off default")
# pick a subset; PERIMETER_BENCH_OUT sets the output dir.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${1:-3}"
OUT="${PERIMETER_BENCH_OUT:-out/bench-prowler}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
PROWLER_VERSION="${PROWLER_VERSION:-5.46.0}"
PROWLER_SERVICES="${PROWLER_SERVICES:-iam bedrock kms ec2 cloudtrail s3 cloudwatch}"
read -r -a SCOPES <<< "${PERIMETER_BENCH_SCOPES:-one all}"
read -r -a RETRIES <<< "${PERIMETER_BENCH_RETRIES:-off default}"

VENV=localstack/.bench-prowler-venv
if [ ! -x "$VENV/bin/prowler" ] || ! "$VENV/bin/pip" show prowler 2>/dev/null | grep -qx "Version: $PROWLER_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "prowler==$PROWLER_VERSION"
fi
PROWLER="$PWD/$VENV/bin/prowler"

cargo build --release --locked --quiet --bin perimeter
BIN="$PWD/target/release/perimeter"

export PERIMETER_EMU_STATE_DIR="$PWD/localstack/.run/bench-prowler"
# moto gives every account, in every Region, the snapshots of its ~1,100 built-in AMIs;
# Prowler's EC2 service reads each one's attributes (about 36,000 findings over 32 Regions),
# which says nothing about the seeded account. Off unless PERIMETER_BENCH_DEFAULT_AMIS=true.
ENDPOINT="$(MOTO_EC2_LOAD_DEFAULT_AMIS="${PERIMETER_BENCH_DEFAULT_AMIS:-false}" bash localstack/start.sh)"
trap 'bash localstack/stop.sh "$PERIMETER_EMU_STATE_DIR" >/dev/null 2>&1 || true' EXIT
localstack/.venv/bin/python localstack/seed_demo.py --endpoint "$ENDPOINT" \
  --out "$PERIMETER_EMU_STATE_DIR/demo.json" >&2

export AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_MAX_ATTEMPTS AWS_RETRY_MODE
# "All Regions" = the Regions enabled in the account (ec2:DescribeRegions: not "not-opted-in",
# in the caller's partition), which is what `perimeter --regions all` reads; Prowler without a Region filter would scan every Region
# of its own table (32), which the emulator also answers.
read -r -a ALL_REGIONS <<< "$(localstack/.venv/bin/python -c '
import boto3
other = ("cn-", "us-gov-", "us-iso", "eu-isoe-", "eusc-")  # other partitions, as perimeter does
print(" ".join(sorted(r["RegionName"] for r in boto3.client("ec2").describe_regions()["Regions"]
                      if r.get("OptInStatus") != "not-opted-in" and not r["RegionName"].startswith(other))))')"
echo "all Regions: ${#ALL_REGIONS[@]}" >&2

# tool, scope, retries, run -> one line "wall user sys" in $OUT/times.tsv
run_one() {
  local tool=$1 scope=$2 retries=$3 n=$4 tag="$1-$2-$3-$4" args=()
  if [ "$tool" = perimeter ]; then
    args=("$BIN" audit --quiet --format json --output-dir "$OUT/$tag")
    [ "$scope" = one ] && args+=(--regions us-east-1) || args+=(--regions all)
    [ "$retries" = off ] && args+=(--max-attempts 1)
  else
    # shellcheck disable=SC2206
    args=("$PROWLER" aws --services $PROWLER_SERVICES --output-formats json-ocsf
          --output-directory "$OUT/$tag" --no-banner --ignore-exit-code-3)
    [ "$scope" = one ] && args+=(-f us-east-1) || args+=(-f "${ALL_REGIONS[@]}")
    [ "$retries" = off ] && args+=(--aws-retries-max-attempts 0)
  fi
  rm -rf "${OUT:?}/$tag"; mkdir -p "$OUT/$tag"
  local rc=0
  /usr/bin/time -f "%e %U %S" -o "$OUT/$tag.time" "${args[@]}" \
    > "$OUT/$tag.stdout" 2> "$OUT/$tag.stderr" || rc=$?
  # perimeter exits 1 when there are failing findings; Prowler's 3 is ignored above.
  if [ "$rc" -gt 1 ]; then echo "$tag: exit $rc (see $OUT/$tag.stderr)" >&2; fi
  printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$tool" "$scope" "$retries" "$n" "$rc" "$(tail -n1 "$OUT/$tag.time")" >> "$OUT/times.tsv"
  echo "$tag: $(tail -n1 "$OUT/$tag.time") (exit $rc)" >&2
}

: > "$OUT/times.tsv"
for n in $(seq 1 "$RUNS"); do
  for scope in "${SCOPES[@]}"; do
    for retries in "${RETRIES[@]}"; do
      run_one perimeter "$scope" "$retries" "$n"
      run_one prowler "$scope" "$retries" "$n"
    done
  done
done

python3 - "$OUT" "$PROWLER_VERSION" "$PROWLER_SERVICES" <<'PY'
import collections, glob, json, os, statistics, sys
out, version, services = sys.argv[1], sys.argv[2], sys.argv[3]
rows = collections.defaultdict(list)
for line in open(f"{out}/times.tsv"):
    tool, scope, retries, n, rc, *t = line.split()
    rows[(scope, retries, tool)].append(tuple(float(x) for x in t[:3]) + (int(rc),))

def findings(tool, scope, retries):
    """(findings, checks) of the first run's report."""
    d = f"{out}/{tool}-{scope}-{retries}-1"
    if tool == "perimeter":
        r = json.load(open(f"{d}/perimeter.json"))
        f = r["findings"]
        return len(f), len({x["check"] for x in f})
    files = glob.glob(f"{d}/**/*.ocsf.json", recursive=True)
    f = json.load(open(files[0])) if files else []
    return len(f), len({x.get("metadata", {}).get("event_code") for x in f})

print(f"Prowler {version}, services: {services}")
print("| Regions | retries | tool | runs | wall (median) | CPU user+sys (median) | findings (checks) | exit codes |")
print("|---|---|---|---|---|---|---|---|")
for scope in ("one", "all"):
    for retries in ("off", "default"):
        med = {}
        for tool in ("perimeter", "prowler"):
            r = rows.get((scope, retries, tool))
            if not r:
                continue
            wall = statistics.median(x[0] for x in r)
            cpu = statistics.median(x[1] + x[2] for x in r)
            med[tool] = wall
            try:
                nf, nc = findings(tool, scope, retries)
                fc = f"{nf} ({nc})"
            except Exception as e:  # a run without a report
                fc = f"n/a ({type(e).__name__})"
            codes = ",".join(sorted({str(x[3]) for x in r}))
            print(f"| {'us-east-1' if scope == 'one' else 'all'} | {retries} | {tool} | {len(r)} "
                  f"| {wall:.2f} s | {cpu:.2f} s | {fc} | {codes} |")
        if len(med) == 2:
            print(f"| | | **Prowler ÷ perimeter** | | **{med['prowler'] / med['perimeter']:.1f}×** | | | |")
PY
