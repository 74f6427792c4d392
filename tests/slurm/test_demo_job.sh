#!/usr/bin/env bash
# The demo job through slurm/run-job.sbatch on 2 ranks: COMPLETED, exit 0,
# outputs in the per-job directory, a performance table and progress lines in
# the log.
. "$(dirname "$0")/slurm_submit.sh"
root=$1; work=$2
rm -rf "$work"; mkdir -p "$work"
id=$(sx_submit --chdir="$root" -o "$work/demo-%j.log" -n 2 --export=ALL,SX_OUT_BASE="$work" \
     slurm/run-job.sbatch jobs/demo.yaml) || fail "sbatch refused the script"
state=$(sx_wait "$id")
log="$work/demo-$id.log"
echo "job $id: $state, exit $(sx_exit "$id")"; cat "$log"
[ "$state" = COMPLETED ] || fail "state $state"
[ "$(sx_exit "$id")" = "0:0" ] || fail "exit code $(sx_exit "$id")"
dir="$work/sanxiang-$id"
for f in slope.nc slope.tif run.json perf.json; do [ -s "$dir/$f" ] || fail "missing $dir/$f"; done
grep -q "performance over 2 ranks" "$log" || fail "no performance table in the log"
grep -q "progress slope: 100.0%" "$log" || fail "no progress line in the log"
grep -q '"ranks": 2' "$dir/run.json" || fail "run.json does not record 2 ranks"
echo "ok"
