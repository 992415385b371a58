#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing,
# configure, build, run every test. README's command (2); .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" --parallel "${JOBS:-2}"
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "${JOBS:-2}"
