#!/usr/bin/env bash
# The demo: start the local AWS emulator (moto + perimeter's Bedrock extension), seed the
# demo organisation, run a live `perimeter audit` against it and show the findings.
# Needs only the Rust toolchain and Python 3 with pip; installs the emulator (pinned) into
# localstack/.venv on first use. The emulator is stopped when the script exits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT="${PERIMETER_DEMO_OUT:-out/demo}"
REGIONS="${PERIMETER_DEMO_REGIONS:-us-east-1,eu-west-1,ap-northeast-1,us-west-2}"
export PERIMETER_EMU_STATE_DIR="${PERIMETER_EMU_STATE_DIR:-$PWD/localstack/.run/demo}"

if [ -x target/debug/perimeter ]; then
  echo "==> building perimeter" >&2
else
  echo "==> building perimeter: the first build compiles the AWS SDK (about 10 minutes on 2 cores;" >&2
  echo "    cargo shows its progress below). scripts/test.sh reuses this build." >&2
fi
cargo build --locked --bin perimeter

echo "==> starting the local AWS emulator" >&2
ENDPOINT="$(bash localstack/start.sh)"
trap 'bash localstack/stop.sh "$PERIMETER_EMU_STATE_DIR" >/dev/null 2>&1 || true' EXIT
echo "    $ENDPOINT" >&2

echo "==> seeding the demo organisation" >&2
localstack/.venv/bin/python localstack/seed_demo.py --endpoint "$ENDPOINT" \
  --out "$PERIMETER_EMU_STATE_DIR/demo.json" >&2

# Demo credentials for the emulator only: never real ones.
export AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN

echo "==> perimeter audit ${PERIMETER_DEMO_ARGS:---org} --regions $REGIONS" >&2
mkdir -p "$OUT"
set +e
target/debug/perimeter audit ${PERIMETER_DEMO_ARGS:---org} --regions "$REGIONS" \
  --config localstack/demo.toml --format table,json --output-dir "$OUT" --snapshot-out "$OUT/snapshot.json"
code=$?
set -e
echo >&2
echo "JSON report: $OUT/perimeter.json   snapshot: $OUT/snapshot.json" >&2
echo "Re-evaluate offline: target/debug/perimeter evaluate $OUT/snapshot.json" >&2
case $code in
  0|1) echo "perimeter exited $code (1 = failing findings, as expected for the demo)" >&2; exit 0 ;;
  *) echo "perimeter failed (exit $code)" >&2; exit "$code" ;;
esac
