#!/usr/bin/env bash
# The browser tests drive a real Chromium (playwright-core downloads none of its own): use
# $CHROMIUM_PATH, else Debian's /usr/bin/chromium, installing it with apt when we may.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then exit 0; fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Chromium for the browser tests (apt-get install chromium)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "the browser tests need Chromium: install it, or set CHROMIUM_PATH to its executable" >&2
exit 1
