#!/usr/bin/env bash
# The whole test suite. Installs the pinned emulator (localstack/.venv) if needed; the
# end-to-end tests start, seed and stop it themselves.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash localstack/setup.sh >&2
cargo test --locked "$@"
