#!/usr/bin/env bash
# `npm run start:cluster`: a real Temporal cluster on this machine, each part its own OS process:
# PostgreSQL, the Temporal server (built from Go's module proxy, schema by temporal-sql-tool, SQL
# visibility, NUM_HISTORY_SHARDS shards), its Web UI server, one signal-push API process and
# SIGNAL_PUSH_CLUSTER_WORKERS worker processes. A part that exits is started again; Ctrl-C or SIGTERM
# stops them in order: API and workers, Web UI, Temporal, PostgreSQL. Data stays in
# $SIGNAL_PUSH_DATA_DIR/cluster, so the next run carries on where this one stopped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=cluster/settings.sh
source scripts/cluster/settings.sh
# shellcheck source=cluster/parts.sh
source scripts/cluster/parts.sh
tools=$root/.tools/temporal-cluster
mkdir -p "$tools"
workers=()
for i in $(seq 1 "$SIGNAL_PUSH_CLUSTER_WORKERS"); do workers+=("worker-$i"); done

stopping=
build=
stop_all() {
  stopping=1
  local name
  [ -z "$build" ] || kill -TERM -- "-$build" 2>/dev/null || true
  for name in api "${workers[@]}" ui temporal postgres; do stop_part "$name"; done
}
trap 'stop_all' EXIT
# While starting, a signal ends the start-up (and the EXIT trap stops what had started).
trap 'exit 130' INT TERM

# The Go build takes minutes the first time: it runs while the rest is prepared, in a process group
# of its own, which a stop during the start-up ends with all its compilers.
setsid bash scripts/cluster/build-temporal.sh "$tools" &
build=$!
bash scripts/ensure-deps.sh
TEMPORAL_CLI_PATH=$(bash scripts/install-temporal.sh)
export TEMPORAL_CLI_PATH
npx tsc -p tsconfig.build.json
pg_bin=$(bash scripts/cluster/ensure-postgres.sh)
wait "$build"
build=

# Readable by its owner only, as `npm start` makes it: it holds the operator and payload keys.
[ -d "$SIGNAL_PUSH_DATA_DIR" ] || mkdir -p -m 700 "$SIGNAL_PUSH_DATA_DIR"
mkdir -p "$CLUSTER_RUN_DIR" "$CLUSTER_LOG_DIR"
stop_leftovers
for log in "$CLUSTER_LOG_DIR"/*.log; do [ -e "$log" ] && mv "$log" "$log.previous"; done
pgdata=$CLUSTER_DIR/postgres
bash scripts/cluster/prepare-postgres.sh "$pg_bin" "$pgdata" "$POSTGRES_USER" "$POSTGRES_PASSWORD"

# The keys the API and every worker share; kept beside the operator key, as `npm start` keeps them.
keys_shown='from SIGNAL_PUSH_CODEC_KEYS'
if [ -z "${SIGNAL_PUSH_CODEC_KEYS:-}" ]; then
  keys_file=$SIGNAL_PUSH_DATA_DIR/codec-keys
  keys_shown=$keys_file
  if [ ! -s "$keys_file" ]; then
    (umask 077 && echo "local-$(openssl rand -hex 4):$(openssl rand -base64 32)" >"$keys_file")
    keys_shown="$keys_file (new)"
  fi
  SIGNAL_PUSH_CODEC_KEYS=$(grep -v '^\s*$' "$keys_file" | paste -sd, -)
  export SIGNAL_PUSH_CODEC_KEYS
fi

run_postgres() {
  local as_owner=()
  [ "$(id -u)" -eq 0 ] && as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
  exec setsid "${as_owner[@]}" "$pg_bin/postgres" -D "$pgdata" -c listen_addresses=127.0.0.1 \
    -p "$SIGNAL_PUSH_CLUSTER_POSTGRES_PORT" -c unix_socket_directories= -c max_connections=200
}

# The server reads its configuration from the environment through the template built into it, as
# the temporalio/server image does: the same variables as in docker-compose.yml. No authorizer (any
# client that reaches the frontend may use it), as on the dev server: the ports are on loopback.
run_temporal() {
  DB=postgres12 DB_PORT=$SIGNAL_PUSH_CLUSTER_POSTGRES_PORT POSTGRES_SEEDS=127.0.0.1 \
    POSTGRES_USER=$POSTGRES_USER POSTGRES_PWD=$POSTGRES_PASSWORD NUM_HISTORY_SHARDS=$NUM_HISTORY_SHARDS \
    BIND_ON_IP=127.0.0.1 TEMPORAL_BROADCAST_ADDRESS=127.0.0.1 LOG_LEVEL=warn TEMPORAL_ALLOW_NO_AUTH=true \
    FRONTEND_GRPC_PORT=$FRONTEND_GRPC_PORT FRONTEND_HTTP_PORT=$FRONTEND_HTTP_PORT \
    FRONTEND_MEMBERSHIP_PORT=$FRONTEND_MEMBERSHIP_PORT HISTORY_GRPC_PORT=$HISTORY_GRPC_PORT \
    HISTORY_MEMBERSHIP_PORT=$HISTORY_MEMBERSHIP_PORT MATCHING_GRPC_PORT=$MATCHING_GRPC_PORT \
    MATCHING_MEMBERSHIP_PORT=$MATCHING_MEMBERSHIP_PORT WORKER_GRPC_PORT=$WORKER_GRPC_PORT \
    WORKER_MEMBERSHIP_PORT=$WORKER_MEMBERSHIP_PORT \
    DYNAMIC_CONFIG_FILE_PATH=$root/scripts/cluster/dynamicconfig.yaml \
    exec setsid "$tools/bin/temporal-server" start
}

# The Web UI image's own configuration template (copied from the ui-server module), with the same
# variables as in docker-compose.yml; base.yaml only binds it to HOST instead of every interface.
run_ui() {
  TEMPORAL_ADDRESS=127.0.0.1:$FRONTEND_GRPC_PORT TEMPORAL_UI_PORT=$TEMPORAL_UI_PORT \
    TEMPORAL_DEFAULT_NAMESPACE=$TEMPORAL_NAMESPACE TEMPORAL_CODEC_ENDPOINT=$(codec_endpoint) \
    TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true TEMPORAL_CSRF_COOKIE_INSECURE=true \
    exec setsid "$tools/bin/temporal-ui-server" --root "$CLUSTER_DIR" --config ui-config --env docker start
}

# The API's codec endpoint as the Web UI's browser reaches it (cf. uiCodecEndpoint in src/service.ts).
codec_endpoint() {
  local host=$HOST
  case $host in 0.0.0.0 | :: | '') host=127.0.0.1 ;; *:*) host="[$host]" ;; esac
  echo "http://$host:$PORT/codec"
}

run_api() { SIGNAL_PUSH_ROLE=api run_signal_push; }
# Everything else `npm start` reads (outbound allow list, SMTP, …) comes from the environment as is.
run_signal_push() {
  TEMPORAL_ADDRESS=127.0.0.1:$FRONTEND_GRPC_PORT TEMPORAL_NAMESPACE=$TEMPORAL_NAMESPACE \
    TEMPORAL_UI_URL=http://127.0.0.1:$TEMPORAL_UI_PORT TEMPORAL_UI_PORT=$TEMPORAL_UI_PORT \
    SIGNAL_PUSH_DATA_DIR=$SIGNAL_PUSH_DATA_DIR HOST=$HOST PORT=$PORT \
    exec setsid node dist/src/main.js
}
# Parts are started by name (run_NAME), so each worker gets a function of its own.
# Each worker serves /healthz, /readyz and /metrics on a port of its own: SIGNAL_PUSH_OPS_PORT, + 1, …
for i in $(seq 1 "$SIGNAL_PUSH_CLUSTER_WORKERS"); do
  eval "run_worker_$i() { SIGNAL_PUSH_ROLE=worker SIGNAL_PUSH_OPS_PORT=$((SIGNAL_PUSH_OPS_PORT + i - 1)) run_signal_push; }"
done

# SIGINT is PostgreSQL's fast shutdown: it ends its sessions (Temporal is gone by then) and
# checkpoints; SIGTERM would wait for every client to disconnect.
start_part postgres INT
wait_until postgres 60 "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$SIGNAL_PUSH_CLUSTER_POSTGRES_PORT"
PGPASSWORD=$POSTGRES_PASSWORD bash scripts/cluster/setup-schema.sh "$tools" \
  "$SIGNAL_PUSH_CLUSTER_POSTGRES_PORT" "$POSTGRES_USER" "$POSTGRES_PASSWORD" >>"$CLUSTER_LOG_DIR/schema.log" 2>&1 || {
  echo "start-cluster: schema setup failed; see $CLUSTER_LOG_DIR/schema.log" >&2
  exit 1
}

start_part temporal
temporal_cli=("$TEMPORAL_CLI_PATH" --address "127.0.0.1:$FRONTEND_GRPC_PORT")
wait_until temporal 120 "${temporal_cli[@]}" operator cluster health
if ! "${temporal_cli[@]}" operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  "${temporal_cli[@]}" operator namespace create --namespace "$TEMPORAL_NAMESPACE" \
    --retention "$TEMPORAL_NAMESPACE_RETENTION" >/dev/null
fi

mkdir -p "$CLUSTER_DIR/ui-config"
cp "$tools/ui-config/docker.yaml" "$CLUSTER_DIR/ui-config/docker.yaml"
echo "host: $HOST" >"$CLUSTER_DIR/ui-config/base.yaml"
start_part ui
wait_until ui 60 listening "$HOST" "$TEMPORAL_UI_PORT"

start_part api
# The API prints its banner (into its log) once it listens; each worker once it has started.
wait_until api 60 grep -q '^signal-push is running' "$CLUSTER_LOG_DIR/api.log"
for name in "${workers[@]}"; do start_part "$name"; done
for name in "${workers[@]}"; do
  wait_until "$name" 60 grep -q '^signal-push is running' "$CLUSTER_LOG_DIR/$name.log"
done

# The API's own banner (src/main.ts), saying what runs beside it.
sed -n '/^signal-push is running/,/Payload keys:/p' "$CLUSTER_LOG_DIR/api.log" |
  sed -e "1s/(api)\$/(api + ${#workers[@]} worker$([ ${#workers[@]} -eq 1 ] || echo s))/" \
    -e "s/^\(  Temporal: *[^ ]*\)\$/\1 (PostgreSQL, $NUM_HISTORY_SHARDS history shards)/" \
    -e "s|^\(  Payload keys: *\)from SIGNAL_PUSH_CODEC_KEYS\$|\1$keys_shown|"
echo "  PostgreSQL:      127.0.0.1:$SIGNAL_PUSH_CLUSTER_POSTGRES_PORT (data in $pgdata)"
echo "  Logs:            $CLUSTER_LOG_DIR"

# Supervise: a part that exits (crashed, or killed by a test) is started again, until a signal.
trap 'stopping=1' INT TERM
while [ -z "$stopping" ]; do
  exited=
  wait -n -p exited "${PART_PID[@]}" || true
  [ -n "$stopping" ] && break
  name=$(part_of_pid "${exited:-}")
  [ -n "$name" ] || continue
  echo "start-cluster: $name exited; starting it again" >&2
  sleep 1
  start_part "$name"
done
echo "stopping the cluster" >&2
