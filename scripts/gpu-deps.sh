#!/usr/bin/env bash
# Downloads, here (a Debian 12 machine with network), the Debian packages
# that building the core, the CLI, the benches and the core's tests needs
# besides libtorch, into .gpu-deps/debs/: HDF5, Eigen, nlohmann-json, PCRE2,
# utf8proc, QtCore + QtTest (the tests are Qt Test) with moc, and the
# libraries they load at run time. scripts/gpu-check.sh unpacks them into a
# private prefix on a CUDA machine that has no network (only its Python
# torch, CMake, ninja and nvcc), builds against that torch, and runs there.
# Nothing is installed here: `apt-get download` only fetches the files.
#
#   bash scripts/gpu-deps.sh          # .gpu-deps/debs/*.deb and .gpu-deps/prefix.tar.xz
#
# What travels to the GPU machine is .gpu-deps/prefix.tar.xz (~22 MB): the
# packages unpacked, less what the build never reads (static libraries, docs,
# the headers of Qt modules the core does not use), so that it and the
# working tree (~40 MiB) stay under the device tool's 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpu-deps/debs
mkdir -p "$out"

packages=(
  # headers and CMake/pkg-config files
  libhdf5-dev libeigen3-dev nlohmann-json3-dev libpcre2-dev libutf8proc-dev libaec-dev
  qt6-base-dev qt6-base-dev-tools qmake6 qmake6-bin pkgconf-bin libpkgconf3
  # what those libraries load at run time (not on a stock Ubuntu 24.04, or
  # there under other sonames): HDF5 with its curl/TLS/Kerberos chain, Qt
  # Core with ICU, and the rest
  libhdf5-103-1 libhdf5-cpp-103-1 libhdf5-hl-100 libhdf5-hl-cpp-100 libsz2 libaec0
  libcurl4 libssl3 libnghttp2-14 libidn2-0 librtmp1 libssh2-1 libpsl5 libgssapi-krb5-2
  libldap-2.5-0 libsasl2-2 libkrb5-3 libk5crypto3 libkrb5support0 libcom-err2 libkeyutils1
  libbrotli1 libunistring2 libgnutls30 libhogweed6 libnettle8 libgmp10 libp11-kit0
  libtasn1-6 libffi8
  libqt6core6 libqt6test6 libicu72 libdouble-conversion3 libb2-1 libpcre2-16-0
  libpcre2-8-0 libpcre2-32-0 libpcre2-posix3 libglib2.0-0 libutf8proc2 libzstd1
)

if ! apt-cache show "${packages[0]}" >/dev/null 2>&1; then
  echo "gpu-deps: apt knows no ${packages[0]}: run apt-get update first" >&2
  exit 1
fi
(cd "$out" && apt-get download -qq "${packages[@]}")
# Keep one version of each package (an older download stays otherwise).
for name in "${packages[@]}"; do
  files=("$out/${name}_"*.deb)
  [ "${#files[@]}" -gt 1 ] && rm -f "$(ls -t "${files[@]}" | tail -n +2)"
done
echo "gpu-deps: $(ls "$out"/*.deb | wc -l) packages in $out"

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
for f in "$out"/*.deb; do dpkg-deb -x "$f" "$tree"; done
find "$tree" -name '*.a' -delete
rm -rf "$tree"/usr/share/{doc,man,info,locale,lintian}
for module in Gui Widgets OpenGL OpenGLWidgets PrintSupport Network Sql Xml DBus; do
  rm -rf "$tree/usr/include/x86_64-linux-gnu/qt6/Qt$module"
done
# Libraries that nothing the build or the tests run loads (readelf's NEEDED
# closure of Qt Core/Test, moc, qmake, pkgconf, HDF5, PCRE2 and utf8proc).
(cd "$tree/usr/lib/x86_64-linux-gnu" &&
  rm -rf engines-3 ossl-modules krb5/plugins libgio-2.0.* libgmodule-2.0.* libgobject-2.0.* \
         libgthread-2.0.* libicuio.* libicutest.* libicutu.* libpcre2-32.* libpcre2-posix.* libbrotlienc.* &&
  find metatypes -name '*.json' ! -name 'qt6core_*' ! -name 'qt6test_*' -delete)
XZ_OPT=-9e tar -C "$tree" -cJf .gpu-deps/prefix.tar.xz .
size=$(stat -c %s .gpu-deps/prefix.tar.xz)
echo "gpu-deps: .gpu-deps/prefix.tar.xz, $((size / 1024 / 1024)) MiB (carry it: carry=[\".gpu-deps/prefix.tar.xz\"])"
if [ "$size" -gt $((22 * 1024 * 1024)) ]; then
  echo "gpu-deps: more than 22 MiB: with the working tree it would pass the device tool's 64 MiB" >&2
  exit 1
fi
