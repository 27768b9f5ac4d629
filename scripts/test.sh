#!/usr/bin/env bash
# The whole test suite: formatting, lints (clippy, warnings are errors), then every test.
# Installs what the tests need — the pinned emulator
# (localstack/.venv) and Debian's headless Chromium for the HTML report test — and runs
# every test; the end-to-end tests start, seed and stop the emulator themselves.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash localstack/setup.sh >&2
if ! command -v chromium >/dev/null 2>&1; then
  echo "==> installing Debian's chromium (for the HTML report test)" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >&2
fi
echo "==> cargo fmt --check" >&2
cargo fmt --all -- --check
echo "==> cargo clippy --all-targets -- -D warnings" >&2
cargo clippy --locked --all-targets -- -D warnings
echo "==> cargo test" >&2
cargo test --locked "$@"
