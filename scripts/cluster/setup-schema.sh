#!/usr/bin/env bash
# Creates Temporal's two databases and brings their schemas to this server version with
# Temporal's own temporal-sql-tool, as the compose file's admin-tools service does. Safe to run on
# every start: an existing database is kept and update-schema applies only what is missing.
# Usage: setup-schema.sh TOOLS_DIR PG_PORT USER PASSWORD
set -euo pipefail
tools=$1 port=$2 user=$3 password=$4
sql_tool=("$tools/bin/temporal-sql-tool" --plugin postgres12 --endpoint 127.0.0.1 --port "$port"
  --user "$user" --password "$password")
# database:schema folder (the server module's schema/postgresql/v12, copied by build-temporal.sh)
for pair in temporal:temporal temporal_visibility:visibility; do
  database=${pair%%:*} schema=$tools/schema/${pair#*:}
  # create-database fails on an existing one, which is the normal case from the second start on.
  "${sql_tool[@]}" --database "$database" create-database 2>/dev/null || true
  "${sql_tool[@]}" --database "$database" setup-schema --version 0.0
  "${sql_tool[@]}" --database "$database" update-schema --schema-dir "$schema/versioned"
done
