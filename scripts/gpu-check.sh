#!/usr/bin/env bash
# The GPU check, one script, for a CUDA machine with no network: only its own
# Python torch (libtorch 2.11 or newer through torch.utils.cmake_prefix_path),
# CMake, ninja and nvcc. The other libraries come as .gpu-deps/prefix.tar.xz
# (scripts/gpu-deps.sh made it beforehand from Debian packages; carry it:
# carry=[".gpu-deps/prefix.tar.xz"]), unpacked into a private prefix here.
# Each phase gets at most what is left of SIEVE_GPU_CHECK_BUDGET seconds (540),
# in the order of what it is worth:
#   1. builds the core, the CLI, the benches and the core's tests against that torch;
#   2. plans and then sieves a random bfloat16 model of Llama-3.1-8B's widths (8 of its
#      32 blocks) end to end: calibration on 64K tokens, sieve on every matrix, a uniform sweep, 3 GA
#      generations on a small task, printing phase times and each phase's measured
#      peak memory against the planner's (the whole output: $OUT/end-to-end.log);
#   3. runs bench_scale (GEMM peak, calibrate + project per block, calibration
#      overhead over a plain forward, and the ratios to the GEMM peak);
#   4. checks the planner against torch's peak allocation on three random models
#      (tests/plan: predictionMatchesMeasuredPeakOnCuda), then runs the core test suite there: libtorch sees the GPU, so every test that opens
#      models on "auto" runs them on it (most core tests pin "cpu" for exact
#      references: those check the CPU path of the CUDA build).
# Everything it prints goes to $OUT/gpu-check.log too when OUT is set.
#
#   bash scripts/gpu-check.sh                 # on the GPU machine (budget: 9 minutes)
#   SIEVE_GPU_CHECK_DEVICE=cpu SIEVE_GPU_CHECK_SCALE=small bash scripts/gpu-check.sh
#                                             # the same path on a CPU, with a scaled-down model
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
device=${SIEVE_GPU_CHECK_DEVICE:-cuda:0}
scale=${SIEVE_GPU_CHECK_SCALE:-full}
work=${SIEVE_GPU_CHECK_WORK:-/tmp/sieve-gpu-check}
jobs=${SIEVE_GPU_CHECK_JOBS:-$(nproc)}
log=${OUT:+$OUT/gpu-check.log}
mkdir -p "$work"
exec > >(tee ${log:+"$log"}) 2>&1
start=$(date +%s)
stamp() { echo "[gpu-check +$(( $(date +%s) - start )) s] $*"; }

# The budget: each phase gets at most what is left of it, so that the log comes back
# whole within the device tool's call. The phases run in the order of what they are
# worth: the build, the 8B-shaped run, the scale bench, then the core tests.
budget=${SIEVE_GPU_CHECK_BUDGET:-540}
left() { echo $(( budget - ($(date +%s) - start) )); }
phase_limit() {  # phase_limit CAP: seconds for the next phase, at most CAP, 1 when none is left
  # (never 0: `timeout 0` means no limit)
  local l; l=$(( $(left) - 5 )); [ "$l" -lt 1 ] && l=1; [ "$l" -gt "$1" ] && l=$1; echo "$l"
}
build_cap=${SIEVE_GPU_CHECK_BUILD_CAP:-300}
# The whole logs come back too ($OUT holds at most 8 files).
trap '[ -n "${OUT:-}" ] && cp "$work"/cmake.log "$work"/build.log "$OUT"/ 2>/dev/null' EXIT
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

# Python and its torch are asked before the private libraries enter the environment.
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)') || { stamp "python3 has no torch"; exit 1; }
torch_version=$(python3 -c 'import torch; print(torch.__version__, torch.version.cuda)')

# ---- 1. the libraries, in a private prefix -------------------------------------------------
prefix=$work/prefix
if [ ! -e "$prefix/.unpacked" ] && { [ -f .gpu-deps/prefix.tar.xz ] || [ -d .gpu-deps/debs ]; }; then
  rm -rf "$prefix" && mkdir -p "$prefix"
  if [ -f .gpu-deps/prefix.tar.xz ]; then
    stamp "unpacking .gpu-deps/prefix.tar.xz into $prefix"
    tar -C "$prefix" -xJf .gpu-deps/prefix.tar.xz
  else
    stamp "unpacking $(ls .gpu-deps/debs/*.deb | wc -l) Debian packages into $prefix"
    for f in .gpu-deps/debs/*.deb; do dpkg-deb -x "$f" "$prefix"; done
  fi
  # pkg-config files name /usr: point them at the prefix.
  find "$prefix" -name '*.pc' -exec sed -i "s|^prefix=/usr|prefix=$prefix/usr|; s|=/usr/|=$prefix/usr/|g" {} +
  # Absolute symlinks into /usr would leave the prefix.
  find "$prefix" -type l -lname '/*' | while read -r l; do ln -sfn "$prefix$(readlink "$l")" "$l"; done
  touch "$prefix/.unpacked"
fi
libdirs="$prefix/usr/lib/x86_64-linux-gnu:$prefix/lib/x86_64-linux-gnu:$prefix/usr/lib/x86_64-linux-gnu/hdf5/serial"
if [ -d "$prefix/usr" ]; then
  # The private libraries are older than the machine's own (Debian 12): the compilers
  # must not load them, so LD_LIBRARY_PATH is set only for the programs built here
  # (after the build), and the prefix's own tools run through wrappers that set it.
  for tool in "$prefix/usr/lib/qt6/libexec/moc" "$prefix/usr/bin/pkgconf"; do
    [ -f "$tool" ] && [ ! -e "$tool.real" ] || continue
    mv "$tool" "$tool.real"
    printf '#!/bin/sh\nLD_LIBRARY_PATH="%s" exec "%s.real" "$@"\n' "$libdirs" "$tool" > "$tool"
    chmod +x "$tool"
  done
  export PKG_CONFIG_PATH="$prefix/usr/lib/x86_64-linux-gnu/pkgconfig:$prefix/usr/share/pkgconfig"
  export PKG_CONFIG_LIBDIR="$PKG_CONFIG_PATH"
  pkg_config_args=()
  command -v pkg-config >/dev/null || pkg_config_args=(-DPKG_CONFIG_EXECUTABLE="$prefix/usr/bin/pkgconf")
  deps_prefix="$prefix/usr"
  hdf5_args=(-DHDF5_C_INCLUDE_DIR="$prefix/usr/include/hdf5/serial"
             -DHDF5_C_LIBRARY_hdf5="$prefix/usr/lib/x86_64-linux-gnu/hdf5/serial/libhdf5.so"
             -DHDF5_CXX_LIBRARY_hdf5_cpp="$prefix/usr/lib/x86_64-linux-gnu/hdf5/serial/libhdf5_cpp.so"
             -DHDF5_CXX_LIBRARY_hdf5="$prefix/usr/lib/x86_64-linux-gnu/hdf5/serial/libhdf5.so"
             -DHDF5_CXX_INCLUDE_DIR="$prefix/usr/include/hdf5/serial")
else
  stamp "no .gpu-deps: using the system's libraries"
  deps_prefix=""
  pkg_config_args=()
  hdf5_args=()
fi

# ---- 2. build against the machine's own torch ---------------------------------------------
stamp "torch $torch_version at $torch_prefix; device $device; scale $scale"
build=$work/build
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIEVE_BUILD_GUI=OFF \
      -DCMAKE_PREFIX_PATH="$torch_prefix${deps_prefix:+;$deps_prefix}" \
      ${deps_prefix:+-DCMAKE_IGNORE_PREFIX_PATH=/usr} "${hdf5_args[@]}" "${pkg_config_args[@]}" \
      ${deps_prefix:+"-DCMAKE_EXE_LINKER_FLAGS=-Wl,-rpath-link,$prefix/usr/lib/x86_64-linux-gnu -Wl,-rpath-link,$prefix/lib/x86_64-linux-gnu"} \
      > "$work/cmake.log" 2>&1 || { tail -40 "$work/cmake.log"; stamp "configure failed"; exit 1; }
grep -E "libtorch|GPU memory figures" "$work/cmake.log"
core_tests=(test_calibration test_layer_stream test_memory_plan test_projection test_sequential test_engine
            test_model_parity test_checkpoint test_search test_evaluate test_task)
timeout "$(phase_limit "$build_cap")" cmake --build "$build" --parallel "$jobs" --target sieve bench_scale "${core_tests[@]}" > "$work/build.log" 2>&1 \
  || { grep -E "error|Error" "$work/build.log" | head -30; tail -5 "$work/build.log"; stamp "build failed"; exit 1; }
stamp "built"
[ -d "$prefix/usr" ] && export LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# ---- 3. plan, then sieve a Llama-3.1-8B-shaped random bf16 model end to end ---------------
if [ "$scale" = full ]; then
  # Llama-3.1-8B's widths, 8 of its 32 blocks (SIEVE_GPU_CHECK_LAYERS): on an H200
  # (2026-12-04) a block took ~11 s, almost all float64 factoring, so 32 blocks (~6 min)
  # would not leave the other phases their time. Per-block times x 32 give the 8B's; the
  # memory plan is per block except the weights and the factors.
  # SIEVE_GPU_CHECK_LAYERS=32 SIEVE_GPU_CHECK_BUDGET=560 runs the whole 8B shape (a session
  # of its own: the later phases then get what is left, likely nothing).
  layers=${SIEVE_GPU_CHECK_LAYERS:-8}
  shape=(--hidden 4096 --intermediate 14336 --layers "$layers" --heads 32 --kv-heads 8 --vocab 128256)
  tokens=65536; generations=3; run_cap=$(( 240 > 20 * layers + 80 ? 240 : 20 * layers + 80 ))
else  # the same path, small enough for a CPU
  shape=(--hidden 256 --intermediate 896 --layers 4 --heads 4 --kv-heads 2 --vocab 2048)
  tokens=8192; generations=3; run_cap=240
fi
model=$work/random-llama
timeout "$(phase_limit 120)" "$build/bench/bench_scale" --write-model "$model" "${shape[@]}" --device "$device" --tokens "$tokens" \
  || { stamp "writing the random model failed"; exit 1; }
stamp "random model written: $(du -sh "$model" | cut -f1)"
# A session left by an earlier check belongs to another random model: start afresh.
rm -f "$work/random-llama.h5"
"$build/app/sieve" plan --model "$model" --methods sieve --dtype bf16 --calibration-tokens "$tokens" \
  --device "$device"
timeout "$(phase_limit "$run_cap")" "$build/app/sieve" run --model "$model" --task "$model/task.jsonl" --device "$device" --dtype bf16 \
  --methods sieve --calibration-tokens "$tokens" --population 6 --generations "$generations" --patience 3 \
  --grid 0,0.2,0.4,0.6,0.8 --held-out 0.5 --session "$work/random-llama.h5" 2>&1 \
  | tee "${OUT:-$work}/end-to-end.log" | grep -vE "^\s*$" | grep -E "memory plan|^phase|^load|^calibrate|^project|^search|^available|: [0-9.]+ s, peak|factor store|calibrated|singular|GA|baseline|uniform|error|not enough" 
stamp "end to end done"

# ---- 4. the scale bench on the device ---------------------------------------------------------
if [ "$scale" = full ]; then
  timeout "$(phase_limit 120)" "$build/bench/bench_scale" --device "$device" --hidden 1024,4096 --dtypes bf16 --layers 1 --tokens 16384 --length 512
else
  timeout "$(phase_limit 90)" "$build/bench/bench_scale" --device "$device" --hidden 256 --dtypes bf16,f32 --layers 2 --tokens 1024 --length 128
fi
# ---- 4b. the planner against torch's measured peak allocation (three random models) -----------
timeout "$(phase_limit 120)" "$build/tests/plan/test_memory_plan" predictionMatchesMeasuredPeakOnCuda 2>&1 \
  | grep -E "QINFO|FAIL|PASS|SKIP|Totals" | grep -v "initTestCase\|cleanupTestCase"
# ---- 5. the core test suite on the device, in what time is left ----------------------------
# Tests that open models on "auto" get the GPU; those that pin "cpu" check the CUDA build's CPU path.
(cd "$build" && timeout "$(phase_limit 240)" ctest --output-on-failure --parallel 4 --timeout 200 -R "^($(IFS='|'; echo "${core_tests[*]}"))\$") \
  | grep -E "tests passed|Test +#|\*\*\*Failed|Timeout" | tail -20
stamp "core tests done"

stamp "finished"
