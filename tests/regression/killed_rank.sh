#!/usr/bin/env bash
# killed_rank.sh WORK SANXIANG MPIEXEC — a rank killed with SIGKILL in the
# middle of a step (what the out-of-memory killer or a lost node does) brings
# the whole job down: mpirun exits non-zero within 60 s, the run directory
# holds no complete-looking output of the interrupted step (only hidden
# .part files) and no completion record (run.json), and the same command run
# again succeeds, removing the .part files.
#
# The victim is a non-zero rank, found among mpirun's children by the
# OMPI_COMM_WORLD_RANK in its environment. It is killed twice: once while the
# step computes (first progress line) and once while it writes (a .part file
# is being written), each in a fresh run of the same command.
set -uo pipefail
work=$1 sx=$2 mpiexec=$3
np=3
job=tests/data/jobs/three_steps.yaml
rm -rf "$work"; mkdir -p "$work"
fail() { echo "FAIL: $*"; for f in "$work"/*.log; do echo "--- $f"; cat "$f"; done; exit 1; }
# A 4804 x 4804 input (the SRTM tile resampled 4x through a VRT, 23 M cells)
# so that a step lasts seconds.
gdal_translate -q -of VRT -outsize 400% 400% -r bilinear data/dem/N47E009.SRTM3.tif "$work/dem4x.vrt" || fail "gdal_translate"
out=$work/run
export SX_PROGRESS_SECONDS=0

rank_pid() { # PID of rank $2 among the children of mpirun $1
  local c
  for c in $(pgrep -P "$1"); do
    if tr '\0' '\n' < "/proc/$c/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then echo "$c"; return 0; fi
  done
  return 1
}

# kill_during LABEL CONDITION: start the job, wait until CONDITION holds, SIGKILL rank np-1.
kill_during() {
  local label=$1 cond=$2 log=$work/$1.log
  $mpiexec -np $np "$sx" run "$job" --set inputs.dem="$work/dem4x.vrt" --out "$out" > "$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1200); do eval "$cond" && break; kill -0 $pid 2>/dev/null || fail "$label: the job ended before the kill"; sleep 0.1; done
  eval "$cond" || fail "$label: condition '$cond' never held"
  local victim
  victim=$(rank_pid $pid $((np - 1))) || fail "$label: rank $((np - 1)) not found among mpirun's children"
  # Stop the victim first and let the other ranks finish what they can
  # without it (a commit already agreed renames its files), so the .part
  # files listed are those the kill interrupts.
  kill -STOP "$victim"
  sleep 0.5
  parts=$(cd "$out" 2>/dev/null && ls -A | grep '\.part$' | tr '\n' ' ')
  local t0=$SECONDS
  kill -KILL "$victim"
  # mpirun must end by itself; after 60 s the test fails (and cleans up).
  while kill -0 $pid 2>/dev/null && [ $((SECONDS - t0)) -le 60 ]; do sleep 0.2; done
  if kill -0 $pid 2>/dev/null; then
    local c; for c in $(pgrep -P $pid); do kill -KILL "$c"; done; kill -KILL $pid
    fail "$label: mpirun still running 60 s after rank $((np - 1)) was killed"
  fi
  wait $pid; local rc=$?
  [ "$rc" -ne 0 ] || fail "$label: mpirun exited 0 after a rank was killed"
  echo "$label: rank $((np - 1)) (pid $victim) killed; mpirun exited $rc after $((SECONDS - t0)) s; .part files then: ${parts:-none}"
  # Nothing of the step in progress (or after it) looks complete, and no completion record.
  local p
  for p in $parts; do
    p=${p#.}; p=${p%.part}
    [ ! -e "$out/$p" ] && [ ! -e "$out/${p%.*}.tif" ] || fail "$label: '$p' exists although its step was killed"
  done
  for l in slope_x2.tif slope_x2.nc run.json; do [ ! -e "$out/$l" ] || fail "$label: $l exists after the kill"; done
  ls -A "$out" 2>/dev/null | grep -v '^\.' | grep -vE '^slope_(deg|pct)\.(tif|nc)$' \
    && fail "$label: unexpected visible files after the kill"
  return 0
}

kill_during computing 'grep -q "progress slope" "$work/computing.log"'
# Compute finished, the step's products are being written (the earlier run's
# stale .part has the same name, so the log tells the phase).
kill_during writing 'grep -q "progress slope: 100.0%" "$work/writing.log" && ls -A "$out" | grep -q "\.part$"'

$mpiexec -np $np "$sx" run "$job" --set inputs.dem="$work/dem4x.vrt" --out "$out" > "$work/rerun.log" 2>&1 \
  || fail "the re-run of the same command failed"
for l in slope_deg.tif slope_pct.tif slope_x2.tif run.json; do [ -s "$out/$l" ] || fail "re-run: $l missing"; done
left=$(ls -A "$out" | grep '\.part$') && fail "re-run left .part files: $left"
echo "ok: a killed rank ends the job with a non-zero status, leaves only .part files, and the re-run succeeds"
