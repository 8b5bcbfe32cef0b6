#!/usr/bin/env bash
# `npm run test:cluster`: the end-to-end tier, plus the tests only a cluster can run (test/cluster/),
# against a fresh cluster started by scripts/start-cluster.sh instead of the dev server. Its ports
# (2xxxx) stay clear of `npm start`'s and of the dev servers the regular tests start; its data goes
# to a temporary folder removed at the end. Extra arguments go to vitest (a file, say).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh
TEMPORAL_CLI_PATH=$(bash scripts/install-temporal.sh)
export TEMPORAL_CLI_PATH

data=$(mktemp -d "${TMPDIR:-/tmp}/signal-push-cluster-XXXXXX")
api_port=${SIGNAL_PUSH_TEST_CLUSTER_API_PORT:-23000}
temporal_port=${SIGNAL_PUSH_TEST_CLUSTER_TEMPORAL_PORT:-27233}
cluster_log=$data/start-cluster.log
(
  export SIGNAL_PUSH_DATA_DIR=$data HOST=127.0.0.1 PORT=$api_port TEMPORAL_DEV_PORT=$temporal_port
  export TEMPORAL_UI_PORT=${SIGNAL_PUSH_TEST_CLUSTER_UI_PORT:-28233}
  export SIGNAL_PUSH_CLUSTER_POSTGRES_PORT=${SIGNAL_PUSH_TEST_CLUSTER_POSTGRES_PORT:-25433}
  # The cluster's own API and workers deliver to the tests' receivers on loopback, with the same
  # short retry delays as the stacks the other tests start.
  export SIGNAL_PUSH_OUTBOUND_ALLOW=127.0.0.1/32 SIGNAL_PUSH_OUTBOUND_ALLOW_HTTP=true
  export SIGNAL_PUSH_RETRY_DELAY_SCALE=0.01 SIGNAL_PUSH_API_RATE_LIMIT_PER_MINUTE=100000
  exec bash scripts/start-cluster.sh
) >"$cluster_log" 2>&1 &
cluster=$!
stop_cluster() {
  kill -TERM "$cluster" 2>/dev/null || true
  wait "$cluster" || true
  rm -rf "$data"
}
trap stop_cluster EXIT

# The first start builds Temporal (minutes); later ones take seconds.
until grep -q '^  Logs:' "$cluster_log"; do
  if ! kill -0 "$cluster" 2>/dev/null; then
    echo "test-cluster: the cluster did not start:" >&2
    cat "$cluster_log" >&2
    exit 1
  fi
  sleep 1
done
cat "$cluster_log"

export SIGNAL_PUSH_TEST_TEMPORAL_ADDRESS=127.0.0.1:$temporal_port SIGNAL_PUSH_TEST_CLUSTER_DIR=$data
export SIGNAL_PUSH_TEST_CLUSTER_API=http://127.0.0.1:$api_port
# The cluster tests kill Temporal and PostgreSQL: they run after the end-to-end tier, not beside it.
status=0
npx vitest run --passWithNoTests --project e2e "$@" || status=1
npx vitest run --passWithNoTests --project cluster "$@" || status=1
exit $status
