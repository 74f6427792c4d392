#!/usr/bin/env bash
# Builds sanxiang for aarch64 (Kunpeng / Phytium class CPUs) with Debian's
# cross compiler, against Debian 12's arm64 packages unpacked into a sysroot,
# then runs the unit tests and a 1-rank demo under qemu-aarch64-static.
# Nothing arm64 is installed on the host: the arm64 package lists live in a
# private apt state under the work directory, the packages are fetched with
# `apt-get download` and unpacked with `dpkg -x`. Not part of CI (it takes
# long); docs/install.md records its last run.
#
#   scripts/cross-aarch64.sh [WORK_DIR]     (default build-aarch64/; about 1 GB)
#
# Steps, each skipped when its result is already there (delete WORK_DIR to
# start again): host tools -> arm64 package lists -> sysroot -> configure ->
# build -> unit tests (ctest -L unit, each under qemu) -> demo (jobs/demo.yaml
# on 1 rank under qemu). Exits non-zero at the first step that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
W=$(mkdir -p "${1:-build-aarch64}" && cd "${1:-build-aarch64}" && pwd)
S=$W/sysroot B=$W/build TRIPLE=aarch64-linux-gnu
LOG=$W/cross.log
say() { echo "cross-aarch64: $(date -u +%H:%M:%S) $*" | tee -a "$LOG"; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

# ---- 1. host tools (amd64): the cross compiler and the emulator ----
missing=()
for p in gcc-aarch64-linux-gnu qemu-user-static cmake pkg-config; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing host tools: ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---- 2. arm64 package lists, in a private apt state (the host's apt is not touched) ----
A=$W/apt
mkdir -p "$A/state/lists/partial" "$A/cache/archives/partial" "$W/debs"
: > "$A/state/status.empty"
APT=(apt-get -qq -o APT::Architecture=arm64 -o APT::Architectures=arm64 -o Dir::State="$A/state"
     -o Dir::State::status="$A/state/status.empty" -o Dir::Cache="$A/cache" -o Debug::NoLocking=1
     -o APT::Get::AllowUnauthenticated=false)
if [ ! -s "$A/updated" ]; then
  say "fetching the arm64 package lists"
  "${APT[@]}" update
  date -u > "$A/updated"
fi

# What sanxiang compiles against (each package alone, without its dependencies) ...
DEV=(libc6-dev linux-libc-dev libcrypt-dev libopenmpi-dev libhdf5-openmpi-dev libgdal-dev libopenblas-dev
     libopenblas-pthread-dev liblapacke-dev libyaml-dev libdeflate-dev libzstd-dev libmicrohttpd-dev libcmocka-dev
     libgnutls28-dev nettle-dev libtasn1-6-dev libidn2-dev libp11-kit-dev)  # the last: pkg-config files libmicrohttpd.pc requires
# ... and what it runs on (with every dependency: the run-time closure).
RUN=(libc6 libgcc-s1 libgomp1 libopenmpi3 libhdf5-openmpi-103-1 libhdf5-openmpi-hl-100 libgdal32 libopenblas0-pthread liblapacke libyaml-0-2
     libdeflate0 libzstd1 libmicrohttpd12 libcmocka0 gdal-data proj-data)

# ---- 3. the sysroot ----
if [ ! -e "$S/.complete" ]; then
  say "resolving the run-time closure of ${#RUN[@]} packages"
  "${APT[@]}" install -y --no-install-recommends --print-uris "${RUN[@]}" \
    | sed -n "s/^'[^']*' \([^_]*\)_.*/\1/p" > "$W/closure.txt"
  printf '%s\n' "${DEV[@]}" >> "$W/closure.txt"
  sort -u -o "$W/closure.txt" "$W/closure.txt"
  say "downloading $(wc -l < "$W/closure.txt") arm64 packages"
  (cd "$W/debs" && xargs -a "$W/closure.txt" "${APT[@]}" download)
  say "unpacking into $S"
  rm -rf "$S" && mkdir -p "$S"
  for d in "$W"/debs/*.deb; do dpkg -x "$d" "$S"; done
  # dpkg -x runs no maintainer scripts: make the links their update-alternatives calls would make
  # (libblas.so.3 -> openblas-pthread/libblas.so.3, mpi.h's directory, ...), read from each postinst.
  for d in "$W"/debs/*.deb; do dpkg-deb -I "$d" postinst 2>/dev/null || true; done | python3 -c '
import os, re, shlex, sys
root = sys.argv[1]
text = re.sub(r"\\\n", " ", sys.stdin.read())
for line in text.splitlines():
    if "update-alternatives" not in line or "--install" not in line:
        continue
    t = shlex.split(line.split("update-alternatives", 1)[1], comments=True)
    for i, w in enumerate(t):  # --install LINK NAME PATH PRIORITY, --slave LINK NAME PATH
        if w in ("--install", "--slave") and i + 3 < len(t) and \
                all(x.startswith("/") and "$" not in x for x in (t[i + 1], t[i + 3])):
            link, target = root + t[i + 1], root + t[i + 3]
            if os.path.lexists(target) and not os.path.lexists(link):
                os.makedirs(os.path.dirname(link), exist_ok=True)
                os.symlink(os.path.relpath(target, os.path.dirname(link)), link)
' "$S"
  # Absolute symbolic links point into the host: re-point them inside the sysroot.
  find "$S" -type l | while read -r l; do
    t=$(readlink "$l")
    case $t in /*) ln -sfn "$(realpath -m -s --relative-to="$(dirname "$l")" "$S$t")" "$l" ;; esac
  done
  touch "$S/.complete"
fi
say "sysroot: $(du -sh "$S" | cut -f1), $(ls "$W"/debs/*.deb | wc -l) packages"

# ---- 4. configure: toolchain file, and qemu as the emulator of everything the build or ctest runs ----
LIBPATH=/lib/$TRIPLE:/usr/lib/$TRIPLE:/usr/lib/$TRIPLE/openblas-pthread:/usr/lib/$TRIPLE/hdf5/openmpi:/usr/lib/$TRIPLE/openmpi/lib
cat > "$W/qemu-run" <<EOF
#!/bin/sh
# Runs an aarch64 program of the sysroot under qemu; one MPI process without a daemon (no mpirun).
exec qemu-aarch64-static -L "$S" -E LD_LIBRARY_PATH=$LIBPATH -E OMPI_MCA_ess_singleton_isolated=1 \\
  -E OPAL_PREFIX=/usr -E GDAL_DATA=/usr/share/gdal -E PROJ_DATA=/usr/share/proj "\$@"
EOF
chmod +x "$W/qemu-run"
cat > "$W/toolchain.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER $TRIPLE-gcc)
set(CMAKE_SYSROOT $S)
set(CMAKE_LIBRARY_ARCHITECTURE $TRIPLE)
set(CMAKE_FIND_ROOT_PATH $S)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR $W/qemu-run)
# The shared libraries' own dependencies, for the linker (they are not in the default search path of the sysroot).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,$S/usr/lib/$TRIPLE:$S/lib/$TRIPLE:$S/usr/lib/$TRIPLE/openblas-pthread:$S/usr/lib/$TRIPLE/openmpi/lib:$S/usr/lib/$TRIPLE/hdf5/openmpi")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "\${CMAKE_EXE_LINKER_FLAGS_INIT}")
EOF
export PKG_CONFIG_SYSROOT_DIR=$S PKG_CONFIG_LIBDIR=$S/usr/lib/$TRIPLE/pkgconfig:$S/usr/share/pkgconfig
if [ ! -e "$B/CMakeCache.txt" ]; then
  say "configuring $B"
  # MPI and HDF5 without their compiler wrappers (the host's would describe the host's libraries).
  cmake -S "$SRC" -B "$B" -DCMAKE_TOOLCHAIN_FILE="$W/toolchain.cmake" -DCMAKE_BUILD_TYPE=Release \
    -DMPI_SKIP_COMPILER_WRAPPER=ON -DMPI_C_COMPILER=/bin/false \
    -DMPI_C_HEADER_DIR="$S/usr/lib/$TRIPLE/openmpi/include" -DMPI_C_LIB_NAMES=mpi \
    -DMPI_mpi_LIBRARY="$S/usr/lib/$TRIPLE/openmpi/lib/libmpi.so" \
    -DHDF5_C_COMPILER_EXECUTABLE=/bin/false -DHDF5_ROOT="/usr/lib/$TRIPLE/hdf5/openmpi" \
    -DSX_XLSX=OFF -DSX_TEST_MPI_TRANSPORT=default > "$W/configure.log" 2>&1 \
    || { tail -30 "$W/configure.log"; say "FAILED at configure (log: $W/configure.log)"; exit 1; }
fi

# ---- 5. build ----
say "building (nice, $(nproc) jobs)"
nice -n 10 cmake --build "$B" -j "$(nproc)" > "$W/build.log" 2>&1 \
  || { grep -m20 -B2 -A6 "error" "$W/build.log"; say "FAILED at build (log: $W/build.log)"; exit 1; }
file "$B/bin/sanxiang" | tee -a "$LOG"

# ---- 6. unit tests under qemu ----
say "unit tests under qemu"
ctest --test-dir "$B" -L unit -j "$(nproc)" --output-on-failure > "$W/unit.log" 2>&1 || true
tail -4 "$W/unit.log" | tee -a "$LOG"
grep -q "100% tests passed" "$W/unit.log" || { say "FAILED at unit tests (log: $W/unit.log)"; exit 1; }

# ---- 7. the demo on 1 rank under qemu ----
say "demo: jobs/demo.yaml on 1 rank under qemu"
rm -rf "$W/demo"
"$W/qemu-run" "$B/bin/sanxiang" version | tee -a "$LOG"
(cd "$SRC" && "$W/qemu-run" "$B/bin/sanxiang" run jobs/demo.yaml --out "$W/demo") > "$W/demo.log" 2>&1 \
  || { tail -20 "$W/demo.log"; say "FAILED at the demo (log: $W/demo.log)"; exit 1; }
n=$(ls "$W"/demo/*.tif | wc -l)
[ -s "$W/demo/run.json" ] && [ "$n" -ge 8 ] || { say "FAILED: the demo wrote $n COGs"; exit 1; }
grep "job 'demo' finished" "$W/demo.log" | tee -a "$LOG"
say "OK: aarch64 build, unit tests and the 1-rank demo passed under qemu ($n COGs in $W/demo)"
