#!/usr/bin/env bash
# The sanitizer part of the test suite (docs/reliability.md). A separate,
# GUI-less clang build in build-asan with AddressSanitizer +
# UndefinedBehaviorSanitizer and the libFuzzer harnesses: the tests of
# everything that reads user input (session, tokenizer, task, checkpoint and
# model loading, the CLI, every committed fuzz input) run under the
# sanitizers, then each fuzz target fuzzes for FUZZ_SECONDS (60) on its
# committed corpus. Any report fails the run. scripts/test.sh (and so CI) runs
# it with FUZZ_SECONDS=0: the build and the tests, no fuzzing; the whole job
# (8 minutes more) is run by hand or nightly.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
export CCACHE_BASEDIR="$PWD"
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
# Leaks are not checked: libtorch and HDF5 keep allocations for the process's life.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=0:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# test_tokenizer is left out: its reference comparisons on MB of text take more
# than its 300 s under ASan; the tokenizer readers run under the sanitizers in
# test_tokenizer_robustness, fuzz_replay_fuzz_tokenizer_json and the fuzzing.
tests=(test_session test_session_robustness test_tokenizer_robustness test_task
       test_task_robustness test_checkpoint test_model_robustness test_cli_robustness)
replays=(fuzz_tokenizer_json fuzz_config_json fuzz_task_jsonl fuzz_gguf fuzz_safetensors fuzz_llama2c
         fuzz_cli_options fuzz_session)

start=$SECONDS
CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSIEVE_FUZZ=ON -DSIEVE_BUILD_GUI=OFF -DSIEVE_BUILD_BENCH=OFF > /dev/null
cmake --build "$BUILD_DIR" --parallel "${JOBS:-2}" --target sieve fuzzers "${tests[@]}" \
    $(printf 'replay_%s ' "${replays[@]}")
echo "sanitizer build: $((SECONDS - start)) s"

pattern="^($(IFS='|'; echo "${tests[*]}")|fuzz_replay_.*)\$"
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "${JOBS:-2}" -R "$pattern"
echo "sanitizer tests: $((SECONDS - start)) s"

# FUZZ_SECONDS=0: the build and the tests only (libFuzzer reads 0 as "no limit").
if [ "${FUZZ_SECONDS:-60}" -gt 0 ]; then
  BUILD_DIR="$BUILD_DIR" bash scripts/fuzz.sh run "${FUZZ_SECONDS:-60}"
  echo "sanitizers and fuzzing: $((SECONDS - start)) s"
fi
