#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and packaging Sieve
# Workbench needs. A no-op (no apt-get at all) when they are all present.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev libopenblas0-pthread   # without OpenBLAS float32 matmul runs on reference BLAS (~30x slower)
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  libhdf5-dev libeigen3-dev nlohmann-json3-dev libpcre2-dev libutf8proc-dev
  libgoogle-perftools-dev                     # tcmalloc: a GA evaluation ~9 % faster than with glibc's malloc
  python3 python3-numpy python3-h5py          # tests that read sessions with h5py
  dpkg-dev desktop-file-utils appstream       # packaging: dpkg-shlibdeps for the .deb, checks
  xvfb xauth fonts-dejavu-core               # GUI tests and screenshots
  libopenmpi-dev openmpi-bin                  # -DSIEVE_MPI=ON: the genetic search over mpirun ranks
  clang-14 libclang-rt-14-dev                 # the sanitizer build and the libFuzzer harnesses
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian: all ${#packages[@]} packages present"
  exit 0
fi
echo "setup-debian: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
