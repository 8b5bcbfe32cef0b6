#!/usr/bin/env bash
# Builds the Temporal server, its SQL schema tool and the Web UI server from the Go module proxy
# into .tools/temporal-cluster (once per version), with the schema files of the same server version.
# Usage: build-temporal.sh TOOLS_DIR   (prints nothing; progress on stderr)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
tools=$1
bin="$tools/bin"
stamp="$tools/built-server-$TEMPORAL_SERVER_VERSION-ui-$TEMPORAL_UI_VERSION"
[ -f "$stamp" ] && exit 0

command -v go >/dev/null || { echo "start-cluster: Go is needed to build Temporal (https://go.dev/doc/install)" >&2; exit 1; }
echo "building Temporal $TEMPORAL_SERVER_VERSION and its Web UI $TEMPORAL_UI_VERSION with $(go version | cut -d' ' -f3) (once; several minutes on 2 cores)" >&2
mkdir -p "$bin"
export GOFLAGS=-buildvcs=false
# `go install pkg@version` names binaries after their folder (two are called `server`): one GOBIN each.
# Inside the tools folder, so a build stopped half-way leaves nothing elsewhere.
install_as() {
  local name=$1 package=$2 gobin=$tools/gobin-$1
  rm -rf "$gobin"
  GOBIN=$gobin go install "$package"
  mv "$gobin/$(basename "${package%@*}")" "$bin/$name"
  rmdir "$gobin"
}
install_as temporal-server "go.temporal.io/server/cmd/server@v$TEMPORAL_SERVER_VERSION"
install_as temporal-sql-tool "go.temporal.io/server/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION"
install_as temporal-ui-server "github.com/temporalio/ui-server/v2/cmd/server@v$TEMPORAL_UI_VERSION"

# The versioned schema files temporal-sql-tool applies, from the same server module.
module_dir=$(go mod download -json "go.temporal.io/server@v$TEMPORAL_SERVER_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
rm -rf "$tools/schema"
mkdir -p "$tools/schema"
cp -R "$module_dir/schema/postgresql/v12/." "$tools/schema/"
chmod -R u+w "$tools/schema"
# The Web UI image's configuration template (settings from environment variables).
ui_dir=$(go mod download -json "github.com/temporalio/ui-server/v2@v$TEMPORAL_UI_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
mkdir -p "$tools/ui-config"
cp "$ui_dir/config/docker.yaml" "$tools/ui-config/docker.yaml"
chmod u+w "$tools/ui-config/docker.yaml"
touch "$stamp"
