#!/usr/bin/env bash
# Makes the cluster's PostgreSQL data folder ready for its server: created once (initdb), owned by
# whoever runs the server: the `postgres` user when started as root (PostgreSQL refuses to run as
# root), else the caller.
# Usage: prepare-postgres.sh PG_BIN_DIR PGDATA SUPERUSER PASSWORD
set -euo pipefail
bin=$1 pgdata=$2 user=$3 password=$4
mkdir -p "$pgdata"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups)
  # The server must reach its folder: others may pass through the folders above (list and read
  # nothing there: the keys beside it stay readable by their owner only).
  dir=$(dirname "$pgdata")
  while [ "$dir" != / ]; do
    chmod o+x "$dir"
    dir=$(dirname "$dir")
  done
  [ -f "$pgdata/PG_VERSION" ] || chown postgres:postgres "$pgdata"
fi
[ -f "$pgdata/PG_VERSION" ] && exit 0

chmod 700 "$pgdata"
pwfile=$(mktemp)
trap 'rm -f "$pwfile"' EXIT
echo "$password" >"$pwfile"
chmod 644 "$pwfile"
echo "start-cluster: creating the PostgreSQL cluster in $pgdata" >&2
# Password logins over TCP for Temporal, as in the compose file; none through a local socket.
"${as_owner[@]}" "$bin/initdb" --pgdata="$pgdata" --username="$user" --pwfile="$pwfile" \
  --auth-host=scram-sha-256 --auth-local=reject --encoding=UTF8 --locale=C.UTF-8 >/dev/null
