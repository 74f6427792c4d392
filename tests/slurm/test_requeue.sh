#!/usr/bin/env bash
# A job stopped by the signal Slurm sends before its time limit: the job is
# submitted with --signal=B:USR1@10 and --time=3, and once its second step
# runs the test sends that same signal to the batch shell (scancel --batch
# --signal=USR1, which is what B: does; slurmctld's own timing of it is
# 0-40 s late and made the test race the run). sanxiang stops at the next
# step boundary with status 8, the script requeues the job, and the requeued
# job (same id, same output directory) resumes from the next step and
# completes (the test gives it a longer limit). Checks the final state, the
# restart count, the log, and that the outputs equal an uninterrupted
# computation.
. "$(dirname "$0")/slurm_submit.sh"
root=$1; work=$2
rm -rf "$work"; mkdir -p "$work"
gdal_translate -q -of VRT -outsize 200% 200% -r bilinear "$root/data/dem/N47E009.SRTM3.tif" "$work/dem2x.vrt" || fail "gdal_translate"
id=$(sx_submit --chdir="$root" -o "$work/requeue-%j.log" -n 2 --time=3 --signal=B:USR1@10 \
     --export=ALL,SX_OUT_BASE="$work" slurm/run-job.sbatch tests/data/jobs/many_steps.yaml \
     --set inputs.dem="$work/dem2x.vrt") || fail "sbatch refused"
log="$work/requeue-$id.log"
for _ in $(seq 600); do
  grep -q "step 2/10: slope$" "$log" 2>/dev/null && break
  case "$(sx_state "$id")" in COMPLETED|FAILED|CANCELLED|TIMEOUT) fail "the job ended ($(sx_state "$id")) before step 2" ;; esac
  sleep 0.5
done
grep -q "step 2/10: slope$" "$log" || fail "step 2 never started"
scancel --batch --signal=USR1 "$id" || fail "scancel --batch --signal=USR1 refused"
# Wait for the requeue. Slurm holds a requeued job for cred_expire seconds
# (20 s on the local cluster, 120 s by default) before it may start again;
# meanwhile the test does what an operator may do — gives it a longer limit —
# so the resumed run finishes.
for _ in $(seq 600); do
  [ "$(sx_field "$id" Restarts)" -ge 1 ] 2>/dev/null && [ "$(sx_state "$id")" = PENDING ] && break
  case "$(sx_state "$id")" in COMPLETED|FAILED|CANCELLED|TIMEOUT) break ;; esac
  sleep 0.5
done
scontrol update JobId="$id" TimeLimit=10 2>/dev/null || true
state=$(sx_wait "$id" 600)
restarts=$(sx_field "$id" Restarts)
echo "job $id: $state, exit $(sx_exit "$id"), restarts $restarts"; cat "$log"
[ "$state" = COMPLETED ] || fail "state $state"
[ "${restarts:-0}" -ge 1 ] || fail "the job was never requeued (Restarts=$restarts); did the signal arrive?"
grep -q "stopped by signal 10" "$log" || fail "no checkpoint-stop message in the log"
grep -q "requeueing job $id" "$log" || fail "the script did not requeue"
grep -q "resuming: [0-9]* of 10 step(s) already done" "$log" || fail "the requeued run did not resume"
dir="$work/sanxiang-$id"
for i in $(seq -w 1 10); do [ -s "$dir/s$i.tif" ] || fail "missing s$i.tif"; done
[ -s "$dir/run.json" ] || fail "no run record"
"$SX_BIN" dem slope "$work/dem2x.vrt" --z-factor 10 -o "$work/s10_ref.tif" > /dev/null || fail "reference slope"
/usr/bin/python3 - "$dir/s10.tif" "$work/s10_ref.tif" <<'PY' || fail "s10 differs from an uninterrupted computation"
import sys
import numpy as np
from osgeo import gdal
a, b = gdal.Open(sys.argv[1]), gdal.Open(sys.argv[2])
assert np.array_equal(a.GetRasterBand(1).ReadAsArray(), b.GetRasterBand(1).ReadAsArray())
PY
echo "ok"
