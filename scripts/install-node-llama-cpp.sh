#!/usr/bin/env bash
# Installs node-llama-cpp 3.21.1 with only this platform's CPU binary (~83 MB instead of ~730 MB of
# CUDA/Vulkan/ARM builds) and koffi 3.3.4 (FFI to llama.cpp's C API, ~9 MB), for the gguf: tests,
# without touching the locked dependency tree.
#
# Why not `npm i --no-save ... --omit=optional` in the repository itself: --omit=optional also
# removes every other optional dependency already installed (esbuild's and rollup's platform
# binaries), which breaks tsx, vite and the tests. So the package goes into its own folder
# inside node_modules (wiped by the next `npm ci`) and node_modules/node-llama-cpp links to it;
# Node resolves node-llama-cpp's own dependencies from that folder.
set -euo pipefail
cd "$(dirname "$0")/.."
# Usage: bash scripts/install-node-llama-cpp.sh   (idempotent; scripts/test-all.sh runs it)
version=3.21.1
koffi=3.3.4   # FFI for llama.cpp's C API (src/models/gguf/llama-c-api.ts)
platform="$(node -p 'process.platform + "-" + process.arch')"
side=node_modules/.specbound-node-llama-cpp
if [ -f "$side/node_modules/node-llama-cpp/package.json" ] && [ -L node_modules/node-llama-cpp ] \
  && [ "$(node -p "require('./$side/node_modules/node-llama-cpp/package.json').version")" = "$version" ] \
  && [ -L node_modules/koffi ] && [ "$(node -p "require('./$side/node_modules/koffi/package.json').version")" = "$koffi" ]; then
  exit 0
fi
rm -rf "$side" node_modules/node-llama-cpp node_modules/koffi
mkdir -p "$side"
echo '{"private": true}' > "$side/package.json"
npm i --prefix "$side" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  -E "node-llama-cpp@$version" "@node-llama-cpp/$platform@$version" "koffi@$koffi" --omit=optional
ln -sfn .specbound-node-llama-cpp/node_modules/node-llama-cpp node_modules/node-llama-cpp
ln -sfn .specbound-node-llama-cpp/node_modules/koffi node_modules/koffi
