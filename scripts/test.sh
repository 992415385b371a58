#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is missing,
# configure, build, run every test. README's command (2); .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
BUILD_DIR=${BUILD_DIR:-build}
# ccache: relative paths (a clone in another folder hits the same entries) and
# the sloppiness that lets it cache translation units built with the
# precompiled torch header (half of all compiles otherwise bypass it).
export CCACHE_BASEDIR="$PWD"
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
# The benchmarks are not tests: they are left out here (about 80 s of the
# 20-minute budget on 2 cores, docs/benchmarks.md "Clean build"); a
# developer build (SIEVE_BUILD_BENCH defaults to ON) compiles them.
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIEVE_MPI=ON -DSIEVE_BUILD_BENCH=OFF
cmake --build "$BUILD_DIR" --parallel "${JOBS:-2}"
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "${JOBS:-2}"
# Every committed fuzz input (fuzz/corpus, fuzz/regressions) was replayed
# above by the fuzz_replay_* tests. Then the same inputs and the tests of
# everything that reads user input again, under ASan + UBSan (a clang build in
# build-asan, ~5 of the 20 minutes from scratch; docs/reliability.md): a job
# left to be run by hand went a day broken unseen. Fuzzing itself (60 s per
# harness) stays out of CI: scripts/test-sanitizers.sh without FUZZ_SECONDS=0,
# or scripts/fuzz.sh. SANITIZERS=0 skips this part (a quick local run).
if [ "${SANITIZERS:-1}" != 0 ]; then
  FUZZ_SECONDS=0 JOBS="${JOBS:-2}" bash scripts/test-sanitizers.sh
fi
