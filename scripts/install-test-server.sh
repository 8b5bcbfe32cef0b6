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
if [ ! -x "$launcher" ]; then
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    echo "installing a JDK and Maven (Debian packages) for Temporal's test server" >&2
    apt-get update -qq >&2 && apt-get install -y -qq default-jdk-headless maven >&2
  fi
  echo "installing Temporal's test server (io.temporal:temporal-test-server from Maven Central) into .tools/" >&2
  mvn -q -f "$root/scripts/test-server/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$dir/lib" >&2
  cat > "$launcher" <<LAUNCHER
#!/bin/sh
# Temporal's test server; the SDK starts it with the port as its argument, and gives it 5 s to listen.
# C1 compilation only and the serial collector start it about a third sooner on a busy machine.
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$dir/lib/*" io.temporal.testserver.TestServer "\$@"
LAUNCHER
  chmod +x "$launcher"
fi
echo "$launcher"
