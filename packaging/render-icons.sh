#!/usr/bin/env bash
# Renders the application icon's PNGs (16 ... 256 px) from its hand-drawn SVG.
# The PNGs are committed, so building and packaging need no SVG renderer; run
# this after editing the SVG. Needs rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
id=io.github.sieveworkbench.SieveWorkbench
icons="$root/resources/icons/hicolor"
svg="$icons/scalable/apps/$id.svg"
command -v rsvg-convert >/dev/null || { echo "render-icons: rsvg-convert not found (apt install librsvg2-bin)" >&2; exit 1; }
for n in 16 32 48 64 128 256; do
  mkdir -p "$icons/${n}x${n}/apps"
  rsvg-convert --width "$n" --height "$n" --format png "$svg" --output "$icons/${n}x${n}/apps/$id.png"
done
echo "render-icons: wrote PNGs under $icons"
