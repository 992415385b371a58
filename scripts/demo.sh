#!/usr/bin/env bash
# README's main command: on a fresh Debian 12 machine, install what is missing,
# build, and run the main job on the bundled demo model. With a display the
# workbench opens on the demo model (press "Run all"); without one the same
# job runs headless and prints its results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
BUILD_DIR=${BUILD_DIR:-build}
export CCACHE_BASEDIR="$PWD"  # see scripts/test.sh
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIEVE_MPI=ON
cmake --build "$BUILD_DIR" --parallel "${JOBS:-2}" --target sieve sieve-workbench
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${1:-}" != "--headless" ]; then
  exec "$BUILD_DIR/app/sieve-workbench"
fi
SESSION=${SESSION:-demo-session.h5}
echo "No display: running the whole sieve headless on the demo model (session: $SESSION)"
"$BUILD_DIR/app/sieve" run --model resources/demo --task resources/demo/tasks/add.jsonl \
  --methods sieve,weight-svd,input-pca --eps 0.05 --generations 8 --population 16 --session "$SESSION"
echo "Open the session in the workbench later: sieve-workbench $SESSION"
