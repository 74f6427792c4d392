#!/usr/bin/env bash
# The install of a centre, checked end to end (tests/regression/packaging.cmake,
# docs/install.md). Usage: install_check.sh STEP BUILD_DIR OUT_DIR [SOURCE_DIR]
#   install   cmake --install into OUT/stage, check the layout, then move it to
#             OUT/prefix: everything after runs from a place it was not installed to
#   run       the moved command from another directory: version, help, a bundled job
#   man       the manual page: every verb of `sanxiang help` has a section; groff reads it cleanly
#   cmake     examples/blocks built against the moved install with find_package (shared and static)
#   pkgconfig examples/blocks built with cc $(pkg-config --cflags --libs sanxiang)
#   lmod      a fresh install's module file loaded by Lmod: PATH, MANPATH, CMake, pkg-config, SX_*
set -euo pipefail
step=$1 build=$2 out=$3 src=${4:-}
P=$out/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }
libdir() { for d in lib lib64 lib/*-linux-gnu; do [ -e "$1/$d/libsanxiang.a" ] && { echo "$1/$d"; return; }; done; fail "no libsanxiang.a under $1"; }
version=$(sed -n 's/.*SX_VERSION_STRING "\(.*\)"/\1/p' "$build/generated/sanxiang/sx_version_gen.h")

case $step in
install)
  rm -rf "$out/stage" "$P"
  mkdir -p "$out"
  cmake --install "$build" --prefix "$out/stage" > "$out/install.log"
  S=$out/stage L=$(libdir "$out/stage")
  for f in bin/sanxiang include/sanxiang/sx_job.h include/sanxiang/sx_decomp.h include/sanxiang/sx_version_gen.h \
           share/man/man1/sanxiang.1 share/sanxiang/jobs/demo.yaml share/sanxiang/data/dem/N47E009.SRTM3.tif \
           share/sanxiang/slurm/run-job.sbatch share/sanxiang/slurm/sx-env.sh share/doc/sanxiang/README.md \
           share/doc/sanxiang/slurm.md share/doc/sanxiang/install.md share/doc/sanxiang/examples/blocks/blocks.c \
           "share/sanxiang/modulefiles/sanxiang/$version.lua"; do
    [ -e "$S/$f" ] || fail "not installed: $f"
  done
  for f in libsanxiang.a libsanxiang.so pkgconfig/sanxiang.pc cmake/sanxiang/sanxiangConfig.cmake \
           cmake/sanxiang/sanxiangConfigVersion.cmake cmake/sanxiang/sanxiangTargets.cmake cmake/sanxiang/SanxiangDeps.cmake; do
    [ -e "$L/$f" ] || fail "not installed: ${L#$S/}/$f"
  done
  [ -x "$S/bin/sanxiang" ] && [ -x "$S/share/sanxiang/slurm/run-job.sbatch" ] || fail "scripts lost their x bit"
  # Nothing but the module file may name the install prefix (the pkg-config file names only MPI's paths).
  if grep -rlI --exclude='*.lua' -- "$out/stage" "$S" | grep -v '^$'; then fail "files above name the install prefix"; fi
  mv "$out/stage" "$P"
  echo "installed $(find "$P" -type f | wc -l) files; moved to $P"
  ;;
run)
  work=$(mktemp -d "$out/run.XXXXXX")
  cd "$work"
  env -u SANXIANG_DATA_DIR "$P/bin/sanxiang" version | tee version.txt
  grep -q "^sanxiang $version" version.txt || fail "version does not say sanxiang $version"
  env -u SANXIANG_DATA_DIR "$P/bin/sanxiang" run jobs/hydro_forecast_chengcun.yaml --out forecast 2> run.log \
    || { cat run.log; fail "the bundled job failed"; }
  grep -q "reading sanxiang's bundled $P/share/sanxiang/data/" run.log || { cat run.log; fail "inputs not read from the moved data directory"; }
  [ -s forecast/run.json ] && [ -s forecast/perf.json ] || fail "no run record in forecast/"
  grep -q "\"job_file\": \"$P/share/sanxiang/jobs/hydro_forecast_chengcun.yaml\"" forecast/run.json \
    || fail "run.json does not name the bundled job file"
  ls forecast
  # A file of the user's own under the same relative name wins over the bundled one (here an empty one).
  mkdir -p data/hydrology/xinanjiang_chengcun
  : > data/hydrology/xinanjiang_chengcun/chengcun_forcing.csv
  if env -u SANXIANG_DATA_DIR "$P/bin/sanxiang" run jobs/hydro_forecast_chengcun.yaml --out forecast2 2> run2.log; then
    fail "the bundled forcing was read instead of ./data/hydrology/xinanjiang_chengcun/chengcun_forcing.csv"; fi
  grep "sanxiang: error:" run2.log | grep -v "$P" | grep "chengcun_forcing.csv" >/dev/null \
    || { cat run2.log; fail "the error does not name the local forcing file"; }
  # A job of the user's own naming a bundled input, published as a one-map package: the viewer comes from
  # the moved install (a stand-in index.html; the real one needs npm, scripts/viewer-build.sh).
  mkdir -p "$P/share/sanxiang/viewer/dist"
  echo "<html>sanxiang viewer of $P</html>" > "$P/share/sanxiang/viewer/dist/index.html"
  printf '%s\n' "job: mine" "inputs:" "  dem: data/dem/N47E009.SRTM3.tif" "steps:" \
    "  - {step: slope, input: dem, output: slope}" "  - {step: publish}" > mine.yaml
  env -u SANXIANG_DATA_DIR -u SANXIANG_VIEWER_DIR "$P/bin/sanxiang" run mine.yaml --out mine 2> mine.log \
    || { cat mine.log; fail "a user's job on a bundled input failed"; }
  cmp "$P/share/sanxiang/viewer/dist/index.html" mine/package/index.html || fail "the package's viewer is not the install's"
  rm -rf "$work" "$P/share/sanxiang/viewer"
  ;;
man)
  page=$P/share/man/man1/sanxiang.1
  n=0
  for g in dem rs hydro econ; do
    for v in $("$P/bin/sanxiang" help "$g" | sed -n 's/^  \([a-z0-9][a-z0-9-]*\) .*/\1/p'); do
      grep -q "^\.SS \"sanxiang $g $v\"" "$page" || fail "no section for sanxiang $g $v"
      n=$((n + 1))
    done
  done
  [ $n -ge 20 ] || fail "only $n verbs found in sanxiang help"
  for c in run flood2d version publish serve; do grep -q "^\.SS \"sanxiang $c\"" "$page" || fail "no section for sanxiang $c"; done
  grep -q 'z\\-factor' "$page" || fail "slope's --z-factor missing"
  warn=$(LC_ALL=C.UTF-8 groff -man -ww -Tutf8 -z "$page" 2>&1 || true)
  [ -z "$warn" ] || fail "groff: $warn"
  echo "manual page: $n verbs and the other commands; groff reads it without warnings"
  ;;
cmake)
  rm -rf "$out/ex-cmake"
  cmake -S "$P/share/doc/sanxiang/examples/blocks" -B "$out/ex-cmake" -DCMAKE_PREFIX_PATH="$P" > "$out/ex-cmake.log"
  cmake --build "$out/ex-cmake" >> "$out/ex-cmake.log" || { cat "$out/ex-cmake.log"; fail "the example did not build"; }
  # the shared library is found through the build tree's RPATH, not LD_LIBRARY_PATH
  env -u LD_LIBRARY_PATH "$out/ex-cmake/blocks" 1000 700 | tee blocks1.txt
  grep -q "covered 700000, overlap 0: ok" blocks1.txt || fail "blocks (shared) wrong"
  # ldd's output is taken whole before grep -q reads it: with pipefail, grep -q quitting at the first
  # match could end ldd with SIGPIPE and fail the check at random
  libs=$(ldd "$out/ex-cmake/blocks")
  grep -q "$P/.*libsanxiang.so" <<<"$libs" || fail "blocks does not use the installed libsanxiang.so"
  mpiexec --oversubscribe -n 3 "$out/ex-cmake/blocks_static" 1000 700 | tee blocks3.txt
  grep -q "on 3 rank(s); covered 700000, overlap 0: ok" blocks3.txt || fail "blocks_static on 3 ranks wrong"
  libs=$(ldd "$out/ex-cmake/blocks_static")
  ! grep -q libsanxiang <<<"$libs" || fail "blocks_static links a shared libsanxiang"
  rm -f blocks1.txt blocks3.txt
  ;;
pkgconfig)
  rm -rf "$out/ex-pc" && mkdir -p "$out/ex-pc"
  L=$(libdir "$P")
  export PKG_CONFIG_PATH=$L/pkgconfig
  [ "$(pkg-config --modversion sanxiang)" = "$version" ] || fail "pkg-config --modversion sanxiang"
  cc -o "$out/ex-pc/blocks" "$P/share/doc/sanxiang/examples/blocks/blocks.c" $(pkg-config --cflags --libs sanxiang)
  LD_LIBRARY_PATH=$L "$out/ex-pc/blocks" 640 480 | tee "$out/ex-pc/out.txt"
  grep -q "covered 307200, overlap 0: ok" "$out/ex-pc/out.txt" || fail "blocks (pkg-config) wrong"
  libs=$(LD_LIBRARY_PATH=$L ldd "$out/ex-pc/blocks")
  grep -q "$L/libsanxiang.so" <<<"$libs" || fail "not linked to the installed library"
  ;;
lmod)
  init=/usr/share/lmod/lmod/init/bash
  [ -r "$init" ] || { echo "Lmod is not installed (apt-get install lmod; scripts/setup.sh)"; exit 77; }
  M=$out/lmod-prefix
  rm -rf "$M"
  cmake --install "$build" --prefix "$M" > "$out/lmod-install.log"
  set +u
  . "$init"
  export MODULEPATH=$M/share/sanxiang/modulefiles
  module load sanxiang
  set -u
  [ "$(command -v sanxiang)" = "$M/bin/sanxiang" ] || fail "PATH: $(command -v sanxiang)"
  [ "$(man -w sanxiang)" = "$M/share/man/man1/sanxiang.1" ] || fail "MANPATH: $(man -w sanxiang 2>&1)"
  [ "$(pkg-config --variable=includedir sanxiang)" -ef "$M/include" ] || fail "PKG_CONFIG_PATH"
  case ":$CMAKE_PREFIX_PATH:" in *":$M:"*) ;; *) fail "CMAKE_PREFIX_PATH=$CMAKE_PREFIX_PATH" ;; esac
  case ":$LD_LIBRARY_PATH:" in *":$(libdir "$M"):"*) ;; *) fail "LD_LIBRARY_PATH=$LD_LIBRARY_PATH" ;; esac
  [ "$SX_ROOT" = "$M/share/sanxiang" ] && [ -f "$SX_ROOT/slurm/sx-env.sh" ] || fail "SX_ROOT=$SX_ROOT"
  [ "$SX_BIN" = "$M/bin/sanxiang" ] && [ -n "$SX_PROGRESS_SECONDS" ] || fail "SX_BIN / SX_* defaults"
  module help sanxiang 2>&1 | grep "sanxiang run jobs/demo.yaml" >/dev/null || fail "module help"
  module whatis sanxiang 2>&1 | grep "Version: $version" >/dev/null || fail "module whatis"
  sanxiang version | grep "^sanxiang $version" >/dev/null || fail "sanxiang version after module load"
  module unload sanxiang
  ! command -v sanxiang > /dev/null || fail "module unload left sanxiang on PATH"
  [ -z "${SX_ROOT:-}" ] || fail "module unload left SX_ROOT"
  echo "Lmod $(module --version 2>&1 | sed -n 's/.*Version \([0-9.]*\).*/\1/p' | head -1): load, help, whatis, unload"
  rm -rf "$M"
  ;;
*) fail "unknown step $step" ;;
esac
