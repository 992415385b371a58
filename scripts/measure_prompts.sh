#!/usr/bin/env bash
# Measures a0 of a model for every prompt form of every task in
# scripts/make_tasks.py, on the first N evaluation examples, and prints one
# line per form. The numbers behind the prompts chosen in resources/tasks/README.md.
#
#   scripts/measure_prompts.sh MODEL [N] [RAW]    # RAW: folder of the raw data sets (default: download)
#   scripts/measure_prompts.sh "$(scripts/fetch-models.sh)" 100
#   FORMS=$'sst2 chat acc\nsst2 review acc' scripts/measure_prompts.sh MODEL 100   # only these
set -euo pipefail
model=${1:?usage: measure_prompts.sh MODEL [N] [RAW]}
n=${2:-100}
raw=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
sieve=${SIEVE:-$here/../build/app/sieve}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# "task form metric" per line: every form of every task (acc_norm only where
# the choices differ in length, ARC-Easy), or the lines given in $FORMS.
forms() {
    if [ -n "${FORMS:-}" ]; then
        printf '%s\n' "$FORMS"
        return
    fi
    python3 -c "import sys; sys.path.insert(0, '$here'); import make_tasks as m; \
print('\n'.join(f'{t} {f} {x}' for t, fs in m.PROMPTS.items() for f in fs \
for x in (['acc', 'acc_norm'] if t == 'arc_easy' else ['acc'])))"
}
forms | while read -r task form metric; do
    {
        out="$work/$task-$form-$metric"
        python3 "$here/make_tasks.py" ${raw:+--from "$raw"} --task "$task" --prompt "$form" --metric "$metric" \
            --sample "$n" --out "$out" 2>/dev/null
        # --held-out 0.99: the evaluation split is scored once; a0 on the 1 % search part is ignored
        line=$("$sieve" eval --model "$model" --task "$out/$task.jsonl" --held-out 0.99 --quiet | head -1)
        printf '%-26s %-14s %-8s %s\n' "$task" "$form" "$metric" "$line"
    }
done
