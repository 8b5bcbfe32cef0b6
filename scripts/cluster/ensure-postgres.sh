#!/usr/bin/env bash
# Prints the bin folder of the PostgreSQL server named in versions.env, installing Debian's package
# when it is missing. Only the programs are used: the cluster runs its own server (initdb under the
# data folder, its own port), never the system service.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
bin=/usr/lib/postgresql/$POSTGRES_VERSION/bin
if [ ! -x "$bin/postgres" ]; then
  command -v apt-get >/dev/null || {
    echo "start-cluster: PostgreSQL $POSTGRES_VERSION is missing and this is no Debian/Ubuntu system: install it" >&2
    exit 1
  }
  echo "start-cluster: PostgreSQL $POSTGRES_VERSION is missing; installing Debian's postgresql-$POSTGRES_VERSION" >&2
  sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  # The package would start the distribution's own cluster; it is not used (and may be stopped).
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "postgresql-$POSTGRES_VERSION" >&2
fi
echo "$bin"
