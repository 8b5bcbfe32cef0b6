# Sourced by start-cluster.sh: starts, restarts and stops the cluster's parts, one OS process each.
# A part NAME is started by calling the function run_NAME (dashes become underscores), which must
# `exec` its program, so the recorded pid is the program's own. Each part gets its own session
# (setsid): a Ctrl-C at the terminal reaches only start-cluster.sh, which then stops the parts in
# order instead of all of them at once.
# shellcheck shell=bash

declare -A PART_PID=()
declare -A PART_STOP_SIGNAL=()

# start_part NAME [STOP_SIGNAL]: runs it in the background, output appended to logs/NAME.log.
start_part() {
  local name=$1
  PART_STOP_SIGNAL[$name]=${2:-${PART_STOP_SIGNAL[$name]:-TERM}}
  "run_${name//-/_}" >>"$CLUSTER_LOG_DIR/$name.log" 2>&1 </dev/null &
  PART_PID[$name]=$!
  echo "$!" >"$CLUSTER_RUN_DIR/$name.pid"
  start_time "$!" >"$CLUSTER_RUN_DIR/$name.start"
}

# start_time PID: when the process started (clock ticks since boot), which tells it from a later
# process that got the same pid.
start_time() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  read -ra fields <<<"${stat##*) }"
  echo "${fields[19]}"
}

# part_of_pid PID: the name of the part running as PID, if any.
part_of_pid() {
  local name
  for name in "${!PART_PID[@]}"; do
    [ "${PART_PID[$name]}" = "$1" ] && { echo "$name"; return; }
  done
}

part_alive() { kill -0 "${PART_PID[$1]}" 2>/dev/null; }

# stop_part NAME: its stop signal, then SIGKILL after 30 s (a worker finishing its in-flight
# attempts, or PostgreSQL writing its checkpoint, may take a while).
stop_part() {
  local name=$1 pid=${PART_PID[$1]:-}
  [ -n "$pid" ] || return 0
  terminate "$name" "$pid" "${PART_STOP_SIGNAL[$name]}"
  wait "$pid" 2>/dev/null || true
  unset "PART_PID[$name]"
  rm -f "$CLUSTER_RUN_DIR/$name.pid" "$CLUSTER_RUN_DIR/$name.start"
}

# terminate NAME PID SIGNAL: sends SIGNAL and waits for the process to go, SIGKILL after 30 s.
terminate() {
  local name=$1 pid=$2 waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -s "$3" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "start-cluster: $name did not stop within 30 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# stop_leftovers: parts a previous run left running when it was killed without a chance to stop
# them (SIGKILL); their ports and PostgreSQL's lock would stop this run. Same order and signals as a
# normal stop: whatever still uses PostgreSQL goes before it.
stop_leftovers() {
  local file name pid
  for file in "$CLUSTER_RUN_DIR"/api.pid "$CLUSTER_RUN_DIR"/worker-*.pid "$CLUSTER_RUN_DIR"/ui.pid \
    "$CLUSTER_RUN_DIR"/temporal.pid "$CLUSTER_RUN_DIR"/postgres.pid; do
    [ -e "$file" ] || continue
    name=$(basename "$file" .pid) pid=$(cat "$file")
    # Only the very process this file names: its pid may belong to another one by now.
    if [ -n "$(start_time "$pid")" ] && [ "$(start_time "$pid")" = "$(cat "${file%.pid}.start" 2>/dev/null)" ]; then
      echo "start-cluster: stopping $name (pid $pid), left running by an earlier run" >&2
      terminate "$name" "$pid" "$([ "$name" = postgres ] && echo INT || echo TERM)"
    fi
    rm -f "$file" "${file%.pid}.start"
  done
}

# wait_until PART TIMEOUT_SECONDS COMMAND...: polls COMMAND until it succeeds; fails, showing the
# end of the part's log, when the part exits or the time runs out.
wait_until() {
  local name=$1 timeout=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! part_alive "$name"; then
      echo "start-cluster: $name exited during start-up; the end of $CLUSTER_LOG_DIR/$name.log:" >&2
      tail -n 20 "$CLUSTER_LOG_DIR/$name.log" >&2
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "start-cluster: $name was not ready within ${timeout} s; see $CLUSTER_LOG_DIR/$name.log" >&2
      return 1
    fi
    sleep 0.2
  done
}

# listening HOST PORT: whether something accepts TCP connections there.
listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
