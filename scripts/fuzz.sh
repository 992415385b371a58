#!/usr/bin/env bash
# The libFuzzer harnesses in fuzz/ (docs/reliability.md): build them, seed
# their corpora from the test fixtures, run them, replay what is committed.
#
#   scripts/fuzz.sh build                  clang-14 build in build-asan (ASan + UBSan + libFuzzer),
#                                           the folder scripts/test-sanitizers.sh uses
#   scripts/fuzz.sh seed [TARGET...]       merge seeds from tests/fixtures into fuzz/corpus/TARGET
#   scripts/fuzz.sh run SECONDS [TARGET...] fuzz each target for SECONDS, one after the other,
#                                           on a scratch copy of its corpus; findings go to
#                                           fuzz/findings/TARGET (not committed)
#   scripts/fuzz.sh merge [TARGET...]      replace fuzz/corpus/TARGET by a minimal set (-merge=1,
#                                           edge coverage) of it and the last run's scratch corpus
#   scripts/fuzz.sh replay [TARGET...]     run every committed input once (corpus + regressions)
#
# A crash input becomes a regression test by copying it into
# fuzz/regressions/TARGET/ (after the fix); `replay`, CI and the normal test
# suite (tests/fuzz) run them all. Environment: BUILD_DIR (default build-asan),
# JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build-asan}
SCRATCH=${SCRATCH:-$ROOT/$BUILD_DIR/fuzz-scratch}
ALL_TARGETS="fuzz_tokenizer_json fuzz_config_json fuzz_task_jsonl fuzz_gguf fuzz_safetensors fuzz_llama2c
             fuzz_cli_options fuzz_session"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

command=${1:-}
[ -n "$command" ] && shift || true

targets() {
    if [ $# -gt 0 ]; then echo "$@"; else echo $ALL_TARGETS; fi
}

# Options every run shares: a slow input is a finding (30 s), memory beyond
# 4 GB too (an input that makes a reader allocate what the file does not hold).
fuzz_options() {
    echo "-timeout=30 -rss_limit_mb=4096 -malloc_limit_mb=4096 -print_final_stats=1"
}

seed_files() {  # TARGET DIR: the fixture files that seed TARGET, copied into DIR
    local t=$1 dir=$2 f=tests/fixtures
    case $t in
        fuzz_tokenizer_json)
            cp resources/demo/tokenizer.json "$dir/demo.json"
            cp $f/tokenizers/llama3_small.json $f/tokenizer_pipelines/bases/*.json "$dir/"
            python3 - "$dir" <<'PY'
import copy, json, sys
root = "tests/fixtures/tokenizer_pipelines"
variants = json.load(open(f"{root}/variants.json"))["variants"]
for name, v in variants.items():
    t = json.load(open(f"{root}/bases/{v['base']}.json"))
    for pointer, value in v["patch"].items():
        *path, last = pointer.strip("/").split("/")
        node = t
        for p in path:
            node = node[int(p)] if isinstance(node, list) else node[p]
        node[int(last) if isinstance(node, list) else last] = value
    open(f"{sys.argv[1]}/variant_{name}.json", "w").write(json.dumps(t))
PY
            ;;
        fuzz_config_json)
            cp resources/demo/config.json "$dir/demo.json"
            for c in $f/checkpoints/configs/*.json $f/models/*/config.json $f/checkpoints/tiny_llama/config.json; do
                cp "$c" "$dir/$(echo "$c" | tr / _)"
            done
            ;;
        fuzz_task_jsonl)
            for t in resources/demo/tasks/*.jsonl; do cp "$t" "$dir/"; done
            head -c 20000 resources/stories260k/stories-next-token.jsonl > "$dir/stories-next-token.jsonl"
            ;;
        fuzz_gguf)
            for g in $f/checkpoints/*.gguf $f/checkpoints/bad/*.gguf $f/tokenizers/*.gguf \
                     $f/gguf_quants/metadata.gguf $f/gguf_quants/quants/*.gguf; do
                cp "$g" "$dir/$(echo "$g" | tr / _)"
            done
            ;;
        fuzz_safetensors)
            for s in $f/checkpoints/tiny_llama/model.safetensors $f/checkpoints/bad/*/model.safetensors; do
                cp "$s" "$dir/$(echo "$s" | tr / _)"
            done
            ;;
        fuzz_llama2c)
            cp $f/checkpoints/tiny_llama2c_untied.bin $f/checkpoints/bad/*.bin "$dir/"
            ;;
        fuzz_cli_options)
            python3 - "$dir" <<'PY'
import sys
lines = [
    ["info", "--model", "m", "--json"],
    ["ga", "--model", "m", "--task", "t", "--population", "24", "--generations", "3", "--seed", "7"],
    ["run", "--model", "m", "--task", "t", "--methods", "sieve,weight-svd", "--eps", "0.05",
     "--grid", "0,0.25,0.5,0.75", "--held-out", "0.3", "--calibration-tokens", "1000"],
    ["sensitivity", "--model", "m", "--task", "t", "--level-index", "2", "--method", "sieve"],
    ["export", "--model", "m", "--task", "t", "--out", "o", "--format", "dense", "--level", "0.5",
     "--grid", "0,0.5"],
    ["train-demo", "--out", "d", "--steps", "10", "--threads", "2", "--seed", "3"],
    ["report", "--session", "s.h5", "--json"],
    ["eval", "--model=m", "--task=t", "--device", "cpu", "--skip-bad-lines"],
    ["sweep", "--help"],
]
for i, line in enumerate(lines):
    open(f"{sys.argv[1]}/line{i}", "wb").write(b"\0".join(a.encode() for a in line))
PY
            ;;
        fuzz_session)
            printf '' > "$dir/empty"
            printf '\x00\x00\x00\x01\x10\x00' > "$dir/one-edit"
            printf '\x04\x01\x02\x03\x00' > "$dir/attribute"
            ;;
        *) echo "unknown target $t" >&2; exit 1 ;;
    esac
}

case $command in
    build)
        export CCACHE_BASEDIR="$ROOT"
        export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
        CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DSIEVE_FUZZ=ON -DSIEVE_BUILD_GUI=OFF -DSIEVE_BUILD_BENCH=OFF
        cmake --build "$BUILD_DIR" --target fuzzers --parallel "${JOBS:-2}"
        ;;
    seed)
        for t in $(targets "$@"); do
            seeds=$(mktemp -d)
            seed_files "$t" "$seeds"
            mkdir -p "fuzz/corpus/$t"
            "$BUILD_DIR/fuzz/$t" -merge=1 $(fuzz_options) "fuzz/corpus/$t" "$seeds" 2>&1 | tail -1
            rm -rf "$seeds"
        done
        ;;
    run)
        seconds=${1:?usage: scripts/fuzz.sh run SECONDS [TARGET...]}
        shift
        for t in $(targets "$@"); do
            mkdir -p "$SCRATCH/$t" "fuzz/findings/$t"
            echo "== $t: $seconds s"
            # New inputs go to the scratch folder; the committed corpus and the
            # regressions are read only.
            regressions=()
            [ -d "fuzz/regressions/$t" ] && regressions=("fuzz/regressions/$t")
            "$BUILD_DIR/fuzz/$t" $(fuzz_options) -max_total_time="$seconds" \
                -artifact_prefix="fuzz/findings/$t/" "$SCRATCH/$t" "fuzz/corpus/$t" "${regressions[@]}" \
                > "$SCRATCH/$t.log" 2>&1 || { tail -40 "$SCRATCH/$t.log"; echo "$t: FINDING (fuzz/findings/$t)"; exit 1; }
            grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|#[0-9]+ *DONE)" "$SCRATCH/$t.log" | tr '\n' ' '
            echo
        done
        ;;
    merge)
        # A fresh minimal set covering every edge of the committed corpus and
        # the scratch corpus (-use_counters=0: edges, not hit counts, so the
        # committed corpora stay a few MB), which then replaces fuzz/corpus/TARGET.
        for t in $(targets "$@"); do
            [ -d "$SCRATCH/$t" ] || continue
            fresh=$(mktemp -d)
            "$BUILD_DIR/fuzz/$t" -merge=1 -use_counters=0 $(fuzz_options) "$fresh" "fuzz/corpus/$t" "$SCRATCH/$t" 2>&1 |
                tail -1
            rm -rf "fuzz/corpus/$t"
            mv "$fresh" "fuzz/corpus/$t"
            chmod 755 "fuzz/corpus/$t"
        done
        ;;
    replay)
        for t in $(targets "$@"); do
            inputs=()
            for d in "fuzz/corpus/$t" "fuzz/regressions/$t"; do
                [ -d "$d" ] && inputs+=("$d"/*)
            done
            [ ${#inputs[@]} -gt 0 ] || continue
            echo "== $t: ${#inputs[@]} inputs"
            "$BUILD_DIR/fuzz/$t" $(fuzz_options) -runs=0 "${inputs[@]}" > "$SCRATCH.$t.replay.log" 2>&1 ||
                { tail -40 "$SCRATCH.$t.replay.log"; exit 1; }
        done
        ;;
    *)
        sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
        exit 1
        ;;
esac
