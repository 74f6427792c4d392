#!/usr/bin/env bash
# publish_target_check.sh EXPECT_ERROR SANXIANG RUN_DIR OUT NP TESTDATA
#
# What `sanxiang publish -o PACKAGE` may write over, at NP ranks (issue 14):
#  - an existing file, a non-empty directory of other work and a symbolic
#    link are refused (status 2, one message naming the path) and are left
#    exactly as they were (contents compared);
#  - a package publish made (marker .sanxiang-package) is replaced: only the
#    new collection is left, no hidden .part/.old beside it;
#  - a publish that fails (a corrupt raster in the run) leaves the previous
#    package byte for byte as it was, and no temporary;
#  - options that would do nothing are refused before anything is written:
#    --table, --rank-field or --code-field without --boundaries, a --datum
#    for a file that is not an input, --stations for a run without forecast
#    hydrographs;
#  - the job step goes through the same rules and names file, line and key.
# EXPECT_ERROR is tests/regression/expect_error.sh; run from the source tree
# (the job files name data/ relative to it).
set -uo pipefail
expect=$1; bin=$2; run=$3; out=$4; np=$5; testdata=$6
fail=0
rm -rf "$out"
mkdir -p "$out"
# fingerprint DIR: every path (files, links, dirs) with its content hash, sorted
fingerprint() { (cd "$1" && find . -printf '%y %p %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 -r md5sum); }
refused() { # NAME STATUS PATTERN... -- COMMAND...
  local name=$1; shift
  if "$expect" "$np" "$@" >"$out/log" 2>&1; then echo "ok   $name"; else echo "FAIL $name"; cat "$out/log"; fail=1; fi
}
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
hidden_left() { ls -a "$out" | grep -E '^\..*\.(part|old)$'; }

# 1. an existing file
printf 'earlier work\n' >"$out/a_file"
refused "file refused" 2 "$out/a_file" "is a file" "remove" -- "$bin" publish "$run" -o "$out/a_file"
check "file kept" '[ "$(cat "$out/a_file")" = "earlier work" ]'

# 2. a non-empty directory that is not a package (-o out with earlier runs in it)
mkdir -p "$out/work/run1/sub"
printf '1,2\n' >"$out/work/run1/table.csv"; printf 'x' >"$out/work/run1/sub/slope.tif"; printf 'n' >"$out/work/notes.txt"
ln -s run1/table.csv "$out/work/latest.csv"
before=$(fingerprint "$out/work")
refused "foreign directory refused" 2 "$out/work" "not a sanxiang package" "-o" -- "$bin" publish "$run" -o "$out/work/"
check "foreign directory kept (every file, link and byte)" '[ "$(fingerprint "$out/work")" = "$before" ]'

# 3. a package, then a symbolic link to it
mpirun --oversubscribe -np "$np" "$bin" publish "$run" -o "$out/pkg" >"$out/log" 2>&1 || { echo "FAIL first publish"; cat "$out/log"; fail=1; }
check "package has the marker" '[ -f "$out/pkg/.sanxiang-package" ] && grep -q "\"source_run\"" "$out/pkg/.sanxiang-package"'
ln -s pkg "$out/link"
before=$(fingerprint "$out/pkg")
refused "symbolic link refused" 2 "$out/link" "symbolic link" -- "$bin" publish "$run" -o "$out/link"
check "link and package kept" '[ -L "$out/link" ] && [ "$(fingerprint "$out/pkg")" = "$before" ]'

# 4. replacing a package publish made
mpirun --oversubscribe -np "$np" "$bin" publish "$run" -o "$out/pkg" --collection second >"$out/log" 2>&1 \
  || { echo "FAIL replacing publish"; cat "$out/log"; fail=1; }
check "package replaced (new collection only)" '[ -f "$out/pkg/second/collection.json" ] && [ ! -e "$out/pkg/hunan_test" ]'
check "no temporary left beside it" '[ -z "$(hidden_left)" ]'

# 5. a failed publish leaves the previous package as it was
rm -rf "$out/badrun"; cp -r "$run" "$out/badrun"
head -c 4096 "$run/flood_depth.tif" >"$out/badrun/zz_corrupt.tif"
before=$(fingerprint "$out/pkg")
refused "corrupt raster refused" 4 "zz_corrupt.tif" -- "$bin" publish "$out/badrun" -o "$out/pkg"
check "previous package intact after the failure" '[ "$(fingerprint "$out/pkg")" = "$before" ]'
check "no temporary left after the failure" '[ -z "$(hidden_left)" ]'

# 6. options that would be ignored
refused "--table alone refused" 2 "--table" "--boundaries" -- "$bin" publish "$run" -o "$out/t1" --table "$testdata/no_code.csv"
refused "--rank-field alone refused" 2 "--rank-field" "--boundaries" -- "$bin" publish "$run" -o "$out/t2" --rank-field popu_2020
refused "--code-field alone refused" 2 "--code-field" "--boundaries" -- "$bin" publish "$run" -o "$out/t3" --code-field adcode
refused "--datum for no input refused" 2 "--datum" "typo.geojson" "names no input" -- \
  "$bin" publish "$run" -o "$out/t4" --datum typo.geojson=EPSG:4326
refused "--stations without hydrographs refused" 2 "--stations" "hydrograph" -- \
  "$bin" publish "$run" -o "$out/t5" --stations "$testdata/chengcun_stations.csv"
check "nothing written by the refusals" '[ ! -e "$out/t1" ] && [ ! -e "$out/t2" ] && [ ! -e "$out/t3" ] && [ ! -e "$out/t4" ] && [ ! -e "$out/t5" ] && [ -z "$(hidden_left)" ]'

# 7. the job step: same rules, named by file, line and key
mkdir -p "$out/job/results"; printf 'keep\n' >"$out/job/results/notes.txt"
refused "job output into other work refused" 3 "into_foreign.yaml:13:" "output" "not a sanxiang package" -- \
  "$bin" run "$testdata/into_foreign.yaml" --out "$out/job"
check "job: other work kept" '[ "$(cat "$out/job/results/notes.txt")" = keep ] && [ "$(ls -A "$out/job/results")" = notes.txt ]'
refused "job tables without boundaries refused" 3 "tables_alone.yaml:8:" "tables" "--boundaries" -- \
  "$bin" run "$testdata/tables_alone.yaml" --out "$out/job2"
exit $fail
