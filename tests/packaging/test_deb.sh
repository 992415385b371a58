#!/usr/bin/env bash
# Builds the .deb with CPack from a configured and built tree, then checks it
# the way a Debian user would meet it: its file list, its control fields, the
# dependencies of its binaries, its desktop entry and AppStream metadata, and
# that the unpacked binaries run against the system's libraries.
#
# usage: test_deb.sh <build-dir> <source-dir> <version> <gui ON|OFF> <cpack>
# Exit 77 (CTest SKIP_RETURN_CODE) when the Debian tools are missing.
set -euo pipefail

if [ $# -ne 5 ]; then
  echo "usage: $0 <build-dir> <source-dir> <version> <gui ON|OFF> <cpack>" >&2
  exit 2
fi
build=$1 source=$2 version=$3 gui=$4 cpack=$5
id=io.github.sieveworkbench.SieveWorkbench
case "$gui" in ON | on | 1 | TRUE | true | YES | yes) gui=1 ;; *) gui=0 ;; esac

tools=(dpkg-deb dpkg-shlibdeps dpkg-query objdump ldd)
[ "$gui" = 1 ] && tools+=(desktop-file-validate appstreamcli)
for tool in "${tools[@]}"; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool not found (scripts/setup-debian.sh installs it)"
    exit 77
  fi
done

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
pass() { echo "ok: $*"; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/sieve-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# ---- build the package into the scratch dir ---------------------------------
# -B keeps CPack's staging (_CPack_Packages) out of the build tree, so parallel
# runs and the developer's own `cpack` do not collide.
started=$SECONDS
if ! (cd "$build" && "$cpack" -G DEB -B "$scratch/out" --config "$build/CPackConfig.cmake") \
  >"$scratch/cpack.log" 2>&1; then
  cat "$scratch/cpack.log"
  echo "FAIL: cpack -G DEB failed (is the tree built? cpack installs what the build made)"
  exit 1
fi
shopt -s nullglob
debs=("$scratch"/out/sieve-workbench_"$version"_*.deb)
shopt -u nullglob
if [ ${#debs[@]} -ne 1 ]; then
  ls -la "$scratch/out"
  echo "FAIL: expected one sieve-workbench_${version}_<arch>.deb, found ${#debs[@]}"
  exit 1
fi
deb=${debs[0]}
pass "cpack made $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $((SECONDS - started)) s"

# ---- control fields -----------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = sieve-workbench ] && pass "Package: sieve-workbench" || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] && pass "Version: $version" || fail "Version is '$(field Version)', project is $version"
[ "$(field Section)" = science ] && pass "Section: science" || fail "Section is '$(field Section)'"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] && pass "Architecture: $(field Architecture)" ||
  fail "Architecture is '$(field Architecture)'"
[[ "$(field Maintainer)" =~ ^.+\ \<.+@.+\>$ ]] && pass "Maintainer: $(field Maintainer)" ||
  fail "Maintainer '$(field Maintainer)' is not 'Name <email>'"
description=$(field Description)
[ "$(printf '%s\n' "$description" | wc -l)" -ge 3 ] && pass "Description has a summary and a long text" ||
  fail "Description too short: $description"

# Depends as one package name per line (alternatives split, versions dropped).
depends=$(field Depends)
echo "Depends: $depends"
dep_names=$(printf '%s\n' "$depends" | tr ',|' '\n\n' | sed -e 's/(.*)//' -e 's/[[:space:]]//g' | sed '/^$/d' | sort -u)
has_dep() { printf '%s\n' "$dep_names" | grep -Eqx "$1"; }        # a regex
has_dep_named() { printf '%s\n' "$dep_names" | grep -Fqx "$1"; } # a plain name
key_deps=('libtorch[0-9.]*' 'libhdf5-[0-9a-z.-]*' 'libopenblas0-pthread' 'libc6' 'libstdc\+\+6')
[ "$gui" = 1 ] && key_deps+=('libqt6widgets6' 'libqcustomplot[0-9.]*-qt6')
for pattern in "${key_deps[@]}"; do
  has_dep "$pattern" && pass "Depends names $pattern" || fail "Depends lacks $pattern"
done

# apt's own verdict on installing it here: every Depends must be satisfiable
# (already installed or in the archive). A simulation: nothing is changed.
if command -v apt-get >/dev/null; then
  if out=$(apt-get install --simulate --no-install-recommends "$deb" 2>&1) &&
    grep -Eq '^Inst sieve-workbench |sieve-workbench is already the newest version' <<<"$out"; then
    pass "apt-get install --simulate: installable"
  else
    fail "apt-get install --simulate: $(printf '%s\n' "$out" | tail -8)"
  fi
fi

# ---- file list ------------------------------------------------------------------
# (dpkg-deb -c's listing, as bare paths: the tar stream names every entry once)
dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' -e 's|^$|/|' >"$scratch/files"
expect_file() { grep -Fqx "$1" "$scratch/files" && pass "ships $1" || fail "does not ship $1"; }
expect_file /usr/bin/sieve
if [ "$gui" = 1 ]; then
  expect_file /usr/bin/sieve-workbench
  expect_file "/usr/share/applications/$id.desktop"
  expect_file "/usr/share/metainfo/$id.metainfo.xml"
  expect_file "/usr/share/icons/hicolor/scalable/apps/$id.svg"
  for n in 16 32 48 64 128 256; do
    expect_file "/usr/share/icons/hicolor/${n}x${n}/apps/$id.png"
  done
fi
# Every file of the bundled demo model and tasks, as the source tree has them.
for data in demo stories260k; do
  if [ -d "$source/resources/$data" ]; then
    count=0
    while IFS= read -r -d '' f; do
      rel=${f#"$source/resources/$data/"}
      grep -Fqx "/usr/share/sieve-workbench/$data/$rel" "$scratch/files" ||
        fail "does not ship resources/$data/$rel"
      count=$((count + 1))
    done < <(find "$source/resources/$data" -type f -print0)
    pass "checked the $count files of resources/$data under /usr/share/sieve-workbench/$data"
  else
    echo "note: resources/$data is not in this checkout; nothing to ship for it"
  fi
done
# Translations, once the build makes them, must be installed where the GUI looks.
while IFS= read -r -d '' qm; do
  expect_file "/usr/share/sieve-workbench/translations/$(basename "$qm")"
done < <(find "$build" -path "$build/_CPack_Packages" -prune -o -name 'sieve_workbench_*.qm' -type f -print0)
# Nothing for developers (headers, static libraries, CMake files) leaks in.
if grep -Eq '^/usr/include/|\.a$|\.cmake$|/pkgconfig/' "$scratch/files"; then
  fail "ships development files: $(grep -E '^/usr/include/|\.a$|\.cmake$|/pkgconfig/' "$scratch/files" | head -5 | tr '\n' ' ')"
else
  pass "ships no headers, static libraries or CMake files"
fi
# Files live under /usr only (Debian policy: nothing in /usr/local).
if grep -Ev '^/$|^/usr(/|$)' "$scratch/files" | grep -q .; then
  fail "files outside /usr: $(grep -Ev '^/$|^/usr(/|$)' "$scratch/files" | head -5 | tr '\n' ' ')"
fi

# ---- unpack into a scratch root -------------------------------------------------
root=$scratch/root
dpkg-deb -x "$deb" "$root"
binaries=("$root/usr/bin/sieve")
[ "$gui" = 1 ] && binaries+=("$root/usr/bin/sieve-workbench")

# Every library a binary links directly must come from a package the .deb
# depends on: resolve each NEEDED soname with the system's loader, find the
# package that owns the file (dpkg -S), and look that name up in Depends.
for bin in "${binaries[@]}"; do
  missing=$(ldd "$bin" | grep 'not found' || true)
  [ -z "$missing" ] && pass "$(basename "$bin"): every library resolves" ||
    fail "$(basename "$bin"): unresolved libraries: $missing"
  uncovered=0
  while read -r soname; do
    path=$(ldd "$bin" | awk -v s="$soname" '$1 == s && $2 == "=>" {print $3}')
    [ -n "$path" ] || continue
    real=$(readlink -f "$path")
    owner=$(dpkg-query -S "$path" 2>/dev/null || dpkg-query -S "$real" 2>/dev/null || true)
    owner=$(printf '%s\n' "$owner" | head -1 | cut -d: -f1)
    if [ -z "$owner" ]; then
      echo "note: $soname ($path) belongs to no Debian package; the .deb cannot depend on it"
      continue
    fi
    if ! has_dep_named "$owner"; then
      fail "$(basename "$bin") needs $soname from $owner, which Depends does not name"
      uncovered=$((uncovered + 1))
    fi
  done < <(objdump -p "$bin" | awk '$1 == "NEEDED" {print $2}')
  [ "$uncovered" -eq 0 ] && pass "$(basename "$bin"): the package of every NEEDED library is in Depends"
done

# ---- desktop entry and AppStream metadata ---------------------------------------
if [ "$gui" = 1 ]; then
  desktop=$root/usr/share/applications/$id.desktop
  metainfo=$root/usr/share/metainfo/$id.metainfo.xml
  if out=$(desktop-file-validate "$desktop" 2>&1) && [ -z "$out" ]; then
    pass "desktop-file-validate: clean"
  else
    fail "desktop-file-validate: $out"
  fi
  if out=$(appstreamcli validate --no-net "$metainfo" 2>&1); then
    pass "appstreamcli validate --no-net: $(printf '%s\n' "$out" | tail -1)"
  else
    fail "appstreamcli validate --no-net: $out"
  fi
  # validate-tree also checks the metainfo against the installed desktop entry.
  if out=$(appstreamcli validate-tree --no-net "$root" 2>&1); then
    pass "appstreamcli validate-tree --no-net: $(printf '%s\n' "$out" | tail -1)"
  else
    fail "appstreamcli validate-tree --no-net: $out"
  fi
  # The entry must start a binary the package ships and name an icon it ships.
  exec_bin=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
  [ -x "$root/usr/bin/$exec_bin" ] && pass "Exec=$exec_bin is shipped" || fail "Exec=$exec_bin is not in /usr/bin"
  icon=$(sed -n 's/^Icon=//p' "$desktop")
  [ -f "$root/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] && pass "Icon=$icon is shipped" ||
    fail "Icon=$icon has no SVG in hicolor/scalable/apps"
  grep -Fq "<launchable type=\"desktop-id\">$id.desktop</launchable>" "$metainfo" &&
    pass "metainfo launches $id.desktop" || fail "metainfo's launchable is not $id.desktop"
  newest=$(grep -o '<release version="[^"]*"' "$metainfo" | head -1 | cut -d'"' -f2)
  [ "$newest" = "$version" ] && pass "metainfo's newest release is $version" ||
    fail "metainfo's newest release is '$newest'; add a <release> for $version"
  # Each PNG is the size its folder says (read from the PNG header: width and
  # height are the big-endian words at bytes 16 and 20).
  for n in 16 32 48 64 128 256; do
    png=$root/usr/share/icons/hicolor/${n}x${n}/apps/$id.png
    [ -f "$png" ] || continue
    read -r w h < <(od -An -tu1 -j16 -N8 "$png" |
      awk '{print $1*16777216 + $2*65536 + $3*256 + $4, $5*16777216 + $6*65536 + $7*256 + $8}')
    [ "$w" = "$n" ] && [ "$h" = "$n" ] && pass "${n}x${n} icon is ${w}x${h} pixels" || fail "${n}x${n} icon is ${w}x${h}"
  done
fi

# ---- the unpacked binaries run on the system libraries ----------------------------
if out=$("$root/usr/bin/sieve" --help 2>&1) && grep -q '^usage: sieve' <<<"$out"; then
  pass "unpacked sieve --help runs"
else
  fail "unpacked sieve --help: $out"
fi
if out=$("$root/usr/bin/sieve" --version 2>&1) && grep -q "^sieve $version " <<<"$out"; then
  pass "unpacked sieve --version: $out"
else
  fail "unpacked sieve --version printed '$out', expected 'sieve $version ...'"
fi
# The bundled demo model loads from where it is installed.
if [ -f "$root/usr/share/sieve-workbench/demo/config.json" ]; then
  if out=$("$root/usr/bin/sieve" info --quiet --model "$root/usr/share/sieve-workbench/demo" 2>&1) &&
    grep -q '^architecture ' <<<"$out"; then
    pass "unpacked sieve info on the installed demo model: $(grep -m1 '^architecture ' <<<"$out" | tr -s ' ')"
  else
    fail "unpacked sieve info on the installed demo model: $out"
  fi
fi

# The unpacked workbench starts (offscreen, settings in the scratch dir) and is
# still running after a few seconds: its libraries and Qt plugins load and the
# first start, which opens the demo next to the binary, does not crash it.
if [ "$gui" = 1 ]; then
  rc=0
  mkdir -p -m 700 "$scratch/run"
  env HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/home/.config" XDG_RUNTIME_DIR="$scratch/run" \
    QT_QPA_PLATFORM=offscreen timeout 6 "$root/usr/bin/sieve-workbench" >"$scratch/gui.log" 2>&1 || rc=$?
  [ "$rc" -eq 124 ] && pass "unpacked sieve-workbench runs (offscreen, stopped after 6 s)" ||
    fail "unpacked sieve-workbench exited with $rc within 6 s: $(tail -5 "$scratch/gui.log")"
fi

echo "packaging test: $failures failure(s) in $((SECONDS - started)) s"
[ "$failures" -eq 0 ]
