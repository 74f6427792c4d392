#!/usr/bin/env bash
# flood2d_restart.sh SANXIANG OUT REFERENCE_DIR COMPARE_PY -- JOB ARGS...
#
# Interrupt a flood run twice and resume it, as a requeued Slurm job would:
#  1. 2 ranks under mpirun; SIGUSR1 (what Slurm sends with --signal=USR1@N)
#     once the first report after the start is written -> exit status 8 and a
#     checkpoint;
#  2. the same command on 1 process, resumed from the 2-rank checkpoint;
#     SIGTERM (Slurm's time limit) after the next report -> status 8;
#  3. the same command on 3 ranks runs to the end.
# The products must equal those of an uninterrupted run (REFERENCE_DIR) bit
# for bit. The single process of run 2 is stopped (SIGSTOP) as soon as its
# report appears, so it cannot run to the end before the signal is sent.
set -uo pipefail
bin=$1; out=$2; ref=$3; cmp=$4; shift 5
rm -rf "$out"
snap() { test -e "$out/.flood2d/snap/depth_$(printf %05d "$1").nc"; }
wait_for_snap() { # $1 = index, $2 = pid
  for _ in $(seq 1 3000); do snap "$1" && return 0; kill -0 "$2" 2>/dev/null || return 1; sleep 0.02; done; return 1
}

mpirun --oversubscribe -np 2 "$bin" flood2d "$@" --out "$out" & pid=$!
wait_for_snap 1 $pid || { echo "run 1 ended before its first report"; exit 1; }
kill -USR1 $pid
wait $pid; s=$?
echo "run 1 (2 ranks, SIGUSR1): exit status $s"
[ "$s" = 8 ] || { echo "expected status 8"; exit 1; }
test -e "$out/.flood2d/checkpoint/cells.nc" || { echo "no checkpoint after SIGUSR1"; exit 1; }
test -e "$out/max_depth.tif" && { echo "products exist after an interrupted run"; exit 1; }
n=$(ls "$out/.flood2d/snap" | wc -l)

"$bin" flood2d "$@" --out "$out" & pid=$!
wait_for_snap $((n + 1)) $pid || { echo "run 2 ended before its next report"; exit 1; }
kill -STOP $pid
test -e "$out/max_depth.tif" && { echo "run 2 finished before it could be interrupted"; exit 1; }
kill -TERM $pid; kill -CONT $pid
wait $pid; s=$?
echo "run 2 (1 process, resumed, SIGTERM): exit status $s"
[ "$s" = 8 ] || { echo "expected status 8"; exit 1; }

mpirun --oversubscribe -np 3 "$bin" flood2d "$@" --out "$out"; s=$?
echo "run 3 (3 ranks, resumed to the end): exit status $s"
[ "$s" = 0 ] || exit 1
test -e "$out/.flood2d" && { echo "scratch directory left behind"; exit 1; }
/usr/bin/python3 "$cmp" "$ref" "$out"
