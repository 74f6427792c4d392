#!/usr/bin/env bash
# resume.sh NP WORK SANXIANG MPIEXEC RASTERCMP — a job stopped by SIGUSR1
# (what Slurm sends before a time limit) exits with status 8 after the step
# it is in, leaves no complete-looking file for unfinished steps, and the
# same command run again resumes from the next step and ends with outputs
# identical to an uninterrupted run.
set -uo pipefail
np=$1 work=$2 sx=$3 mpiexec=$4 cmp=$5
job=tests/data/jobs/three_steps.yaml
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; cat "$work/first.log" 2>/dev/null; exit 1; }
# A 2402 x 2402 input (the SRTM tile resampled 2x through a VRT) so a step
# lasts long enough to be interrupted.
gdal_translate -q -of VRT -outsize 200% 200% -r bilinear data/dem/N47E009.SRTM3.tif "$work/dem3x.vrt" || fail "gdal_translate"
run() { $mpiexec -np "$np" "$sx" run "$job" --set inputs.dem="$work/dem3x.vrt" --out "$1"; }

run "$work/whole" > "$work/whole.log" 2>&1 || { cat "$work/whole.log"; fail "uninterrupted run failed"; }

# Started directly (not through the function) so $! is mpirun itself, which
# forwards SIGUSR1 to every rank as srun does.
$mpiexec -np "$np" "$sx" run "$job" --set inputs.dem="$work/dem3x.vrt" --out "$work/resumed" > "$work/first.log" 2>&1 &
pid=$!
for _ in $(seq 600); do grep -q "step 1/3" "$work/first.log" 2>/dev/null && break; sleep 0.1; done
kill -USR1 "$pid"
wait "$pid"; rc=$?
[ "$rc" = 8 ] || fail "interrupted run exited $rc, expected 8"
grep -q "stopped by signal" "$work/first.log" || fail "no message about the signal"
[ -e "$work/resumed/.sanxiang-progress" ] || fail "no progress record after the interruption"
[ ! -e "$work/resumed/slope_x2.tif" ] || fail "the last step's output exists after an interruption"
[ ! -e "$work/resumed/run.json" ] || fail "run.json (the completion record) exists after an interruption"

run "$work/resumed" > "$work/second.log" 2>&1 || { cat "$work/second.log"; fail "resumed run failed"; }
grep -q "resuming: [12] of 3 step(s) already done" "$work/second.log" || { cat "$work/second.log"; fail "did not resume"; }
[ ! -e "$work/resumed/.sanxiang-progress" ] || fail "progress record left after the job finished"
for l in slope_deg slope_pct slope_x2; do
  "$cmp" --exact "$work/whole/$l.tif" "$work/resumed/$l.tif" || fail "$l.tif differs from the uninterrupted run"
done
echo "ok: interrupted after $(grep -o 'after [0-9] of 3' "$work/first.log"), resumed, outputs identical"
