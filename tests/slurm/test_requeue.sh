#!/usr/bin/env bash
# A job that reaches its time limit: run-job.sbatch submitted with --time=1
# and --signal=B:USR1@50 gets USR1 from Slurm ~10-40 s into the run (the
# 30-step job lasts well over that), sanxiang
# stops at the next step boundary with status 8, the script requeues the job,
# and the requeued job (same id, same output directory) resumes from the next
# step and completes (the test gives the requeued job a longer limit). Checks the final state, the restart count, the log, and
# that the outputs equal an uninterrupted computation.
. "$(dirname "$0")/slurm_submit.sh"
root=$1; work=$2
rm -rf "$work"; mkdir -p "$work"
gdal_translate -q -of VRT -outsize 300% 300% -r bilinear "$root/data/dem/N47E009.SRTM3.tif" "$work/dem3x.vrt" || fail "gdal_translate"
id=$(sx_submit --chdir="$root" -o "$work/requeue-%j.log" -n 2 --time=1 --signal=B:USR1@50 \
     --export=ALL,SX_OUT_BASE="$work" slurm/run-job.sbatch tests/data/jobs/many_steps.yaml \
     --set inputs.dem="$work/dem3x.vrt") || fail "sbatch refused"
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
log="$work/requeue-$id.log"
restarts=$(sx_field "$id" Restarts)
echo "job $id: $state, exit $(sx_exit "$id"), restarts $restarts"; cat "$log"
[ "$state" = COMPLETED ] || fail "state $state"
[ "${restarts:-0}" -ge 1 ] || fail "the job was never requeued (Restarts=$restarts); did the signal arrive?"
grep -q "stopped by signal 10" "$log" || fail "no checkpoint-stop message in the log"
grep -q "requeueing job $id" "$log" || fail "the script did not requeue"
grep -q "resuming: [0-9]* of 30 step(s) already done" "$log" || fail "the requeued run did not resume"
dir="$work/sanxiang-$id"
for i in $(seq -w 1 30); do [ -s "$dir/s$i.tif" ] || fail "missing s$i.tif"; done
[ -s "$dir/run.json" ] || fail "no run record"
"$SX_BIN" dem slope "$work/dem3x.vrt" --z-factor 30 -o "$work/s30_ref.tif" > /dev/null || fail "reference slope"
/usr/bin/python3 - "$dir/s30.tif" "$work/s30_ref.tif" <<'PY' || fail "s30 differs from an uninterrupted computation"
import sys
import numpy as np
from osgeo import gdal
a, b = gdal.Open(sys.argv[1]), gdal.Open(sys.argv[2])
assert np.array_equal(a.GetRasterBand(1).ReadAsArray(), b.GetRasterBand(1).ReadAsArray())
PY
echo "ok"
