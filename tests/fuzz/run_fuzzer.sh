#!/usr/bin/env bash
# Runs one libFuzzer harness over its seed corpus and fails on any crash,
# leak, undefined behaviour, timeout (10 s per input) or memory blow-up
# (2 GiB). Called by ctest (tests/fuzz/CMakeLists.txt); scripts/fuzz.sh is
# the front end.
#
#   run_fuzzer.sh BINARY NAME SEED_DIR DICT|- WORK_DIR [LIBFUZZER_FLAG...]
#
# Environment: SX_FUZZ_SECONDS (default 60; 0 = replay the seeds only) or
# SX_FUZZ_RUNS (a number of executions instead of a time).
# New inputs go to WORK_DIR/corpus (the seeds in the source tree are only
# read), a crashing input to WORK_DIR/artifacts/, the log to WORK_DIR/log,
# and one summary line to WORK_DIR/summary.
set -euo pipefail
bin=$1 name=$2 seeds=$3 dict=$4 work=$5
shift 5
mkdir -p "$work/corpus" "$work/artifacts"
args=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@")
[ "$dict" != - ] && args+=(-dict="$dict")
if [ -n "${SX_FUZZ_RUNS:-}" ]; then
  args+=(-runs="$SX_FUZZ_RUNS")
elif [ "${SX_FUZZ_SECONDS:-60}" = 0 ]; then
  args+=(-runs=0)
else
  args+=(-max_total_time="${SX_FUZZ_SECONDS:-60}")
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
start=$(date +%s)
status=0
"$bin" "${args[@]}" "$work/corpus" "$seeds" >"$work/log" 2>&1 || status=$?
secs=$(( $(date +%s) - start ))
stat() { sed -n "s/^stat::$1: *//p" "$work/log" | tail -1; }
last=$(grep -E '^#[0-9]+' "$work/log" | tail -1 || true)
cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
summary="fuzz $name: $(stat number_of_executed_units) executions in ${secs} s ($(stat average_exec_per_sec) exec/s), cov ${cov:-?} edges, ft ${ft:-?}, corpus $(ls "$work/corpus" | wc -l)+$(ls "$seeds" | wc -l) inputs, peak RSS $(stat peak_rss_mb) MB, status $status"
echo "$summary" | tee "$work/summary"
if [ $status -ne 0 ]; then
  grep -E 'ERROR|SUMMARY|runtime error|fuzz property failed|Test unit written' "$work/log" | head -20 >&2 || true
  tail -60 "$work/log" >&2
  exit 1
fi
