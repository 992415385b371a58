#!/usr/bin/env bash
# Regenerates every results page with one command, from the models' public
# sources (scripts/fetch-models.sh):
#   docs/results.md                 scripts/make_results.py: the demo model's tasks,
#                                   stories260K, SmolLM2-135M-Instruct's uniform sweeps
#                                   of every method on SST-2, ARC-Easy and BBH
#                                   boolean_expressions (about 50 min on 2 cores)
#   docs/results-smollm2-ga.md      scripts/make_smollm2_ga.py: the GA on SmolLM2,
#                                   SST-2 and ARC-Easy, eps 5 % (about 2 h)
#   docs/results-smollm2-ga-eps1.md the same at eps 1 % (about 70 min)
# Each step keeps its sessions in OUT and resumes what an interruption cut short
# (--reuse), so the command can simply be run again.
#
#   bash scripts/make_all_results.sh [--build build] [--out build/results-all]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="build"
out="$here/../build/results-all"
while [ $# -gt 0 ]; do
    case "$1" in
        --build | --out)
            [ $# -ge 2 ] || { echo "make_all_results.sh: $1 needs a value" >&2; exit 2; }
            if [ "$1" = --build ]; then build="$2"; else out="$2"; fi
            shift 2
            ;;
        -h | --help)
            sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "make_all_results.sh: unknown argument '$1' (see --help)" >&2
            exit 2
            ;;
    esac
done
# The Python scripts take --build relative to the checkout, or absolute.
case "$build" in
    /*) binary="$build/app/sieve" ;;
    *) binary="$here/../$build/app/sieve" ;;
esac
[ -x "$binary" ] || { echo "make_all_results.sh: no $build/app/sieve (build first: README)" >&2; exit 1; }

model="$(bash "$here/fetch-models.sh")"
python3 "$here/make_results.py" --build "$build" --out "$out/uniform" --reuse --smollm-uniform "$model"
for eps in 0.05 0.01; do
    python3 "$here/make_smollm2_ga.py" --build "$build" --out "$out/ga" --reuse --model "$model" \
        --tasks sst2,arc_easy --eps "$eps"
done
echo "make_all_results.sh: docs/results.md, docs/results-smollm2-ga.md and docs/results-smollm2-ga-eps1.md rewritten" >&2
