#!/usr/bin/env bash
# Regenerates docs/screenshots from real sessions of the bundled demo model:
# `sieve run` on two skills (add, capital; eps 5 %, the CLI's default GA),
# then the workbench opens both sessions offscreen (the second fills the
# compare view) and saves every view: window PNGs, and each plot as a paper
# figure (PNG and PDF). About two minutes on 2 cores.
#   scripts/make_screenshots.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for task in add capital; do
    "$build/app/sieve" run --model "$root/resources/demo" --task "$root/resources/demo/tasks/$task.jsonl" \
        --methods sieve,weight-svd,input-pca,wanda,sieve-sequential --method sieve --eps 0.05 --quiet --session "$work/$task.h5"
done
rm -f "$root"/docs/screenshots/*.png "$root"/docs/screenshots/*.pdf
# A private settings folder: no recent files or window layout from the user's own runs.
XDG_CONFIG_HOME="$work/config" QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} \
    "$build/app/sieve-workbench" "$work/add.h5" "$work/capital.h5" --screenshots "$root/docs/screenshots"
ls "$root/docs/screenshots"
