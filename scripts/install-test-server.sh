#!/usr/bin/env bash
# Prints the path of Temporal's time-skipping test server, installing it under .tools/ if needed.
# The SDK downloads a native build at run time, which cannot work offline; the same server is
# published on Maven Central as a Java program, which needs a JDK (17+) and Maven, installed from
# Debian's packages when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.tools/temporal-test-server"
launcher="$dir/temporal-test-server"

if [ -n "${TEMPORAL_TEST_SERVER_PATH:-}" ] && [ -x "$TEMPORAL_TEST_SERVER_PATH" ]; then
  echo "$TEMPORAL_TEST_SERVER_PATH"; exit 0
fi
archive="$dir/test-server.jsa"
if [ ! -d "$dir/lib" ]; then
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    echo "installing a JDK and Maven (Debian packages) for Temporal's test server" >&2
    apt-get update -qq >&2 && apt-get install -y -qq default-jdk-headless maven >&2
  fi
  echo "installing Temporal's test server (io.temporal:temporal-test-server from Maven Central) into .tools/" >&2
  mvn -q -f "$root/scripts/test-server/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$dir/lib" >&2
fi
cat > "$launcher" <<LAUNCHER
#!/bin/sh
# Temporal's test server; the SDK starts it with the port as its argument, and gives it 5 s to listen.
# C1 compilation only, the serial collector and the classes archived at install (AppCDS) start it in
# about a third of the time on a busy machine; without the archive it starts all the same.
cds=""
[ -f "$archive" ] && cds="-XX:SharedArchiveFile=$archive"
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \$cds -cp "$dir/lib/*" io.temporal.testserver.TestServer "\$@"
LAUNCHER
chmod +x "$launcher"

# The classes the server loads to start, archived once: each start then maps them instead of loading
# and verifying them (0.5 s to listen instead of 1.6 s, a third of the CPU). A failure here only
# leaves the server to start without it.
if [ ! -f "$archive" ]; then
  port=$((20000 + RANDOM % 20000))
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ArchiveClassesAtExit="$archive" -cp "$dir/lib/*" \
    io.temporal.testserver.TestServer "$port" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  kill -TERM "$server" 2>/dev/null
  wait "$server" 2>/dev/null || true
fi
echo "$launcher"
