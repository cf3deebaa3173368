#!/usr/bin/env bash
# The whole test suite on a fresh machine (Node 20, the npm registry, Debian packages):
#   1. Debian's chromium for the browser tests, installed with apt-get when it is missing
#      (as root, or through sudo);
#   2. npm ci (which also builds dist/ and web-dist/ through `prepare`);
#   3. node-llama-cpp's CPU build for the gguf: tests (scripts/install-node-llama-cpp.sh, ~83 MB);
#   4. npm test: type-check, lint, and every test (Vitest); SPECBOUND_REQUIRE_GGUF=1 makes the
#      gguf: tests fail rather than skip when node-llama-cpp is missing.
# The README's second command and CI's .ci/run both run exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "test-all: installing Debian's chromium for the browser tests (apt-get)..." >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "test-all: chromium is missing and neither root nor sudo is available: install Debian's 'chromium' package, or set CHROMIUM_PATH" >&2; exit 2; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq chromium >/dev/null
fi

npm ci --no-audit --no-fund
bash scripts/install-node-llama-cpp.sh
SPECBOUND_REQUIRE_GGUF=1 npm test
