#!/usr/bin/env bash
# A job with a bad job file ends FAILED with the clear message in its log,
# and the job that depends on it (afterok) never runs.
. "$(dirname "$0")/slurm_submit.sh"
root=$1; work=$2
rm -rf "$work"; mkdir -p "$work"
bad=$(sx_submit --chdir="$root" -o "$work/bad-%j.log" -n 2 --export=ALL,SX_OUT_BASE="$work" \
      slurm/run-job.sbatch tests/data/jobs/bad_type.yaml) || fail "sbatch refused"
next=$(sx_submit --chdir="$root" -o "$work/next-%j.log" -n 1 --dependency=afterok:"$bad" --kill-on-invalid-dep=yes \
       --export=ALL,SX_OUT_BASE="$work" slurm/run-job.sbatch jobs/demo.yaml) || fail "sbatch refused the dependant"
s1=$(sx_wait "$bad"); s2=$(sx_wait "$next" 60)
echo "bad job $bad: $s1 (exit $(sx_exit "$bad")); dependant $next: $s2"; cat "$work/bad-$bad.log"
[ "$s1" = FAILED ] || fail "bad job state $s1, expected FAILED"
[ "$(sx_exit "$bad")" = "3:0" ] || fail "bad job exit $(sx_exit "$bad"), expected 3:0"
[ "$(grep -c 'sanxiang: error:' "$work/bad-$bad.log")" = 1 ] || fail "expected one error line in the log"
grep -q "bad_type.yaml:7:.*steps\[0\].z_factor" "$work/bad-$bad.log" || fail "error does not name file:line and key"
case "$s2" in CANCELLED|PENDING) ;; *) fail "dependant ran: $s2" ;; esac
[ ! -e "$work/next-$next.log" ] || ! grep -q "sanxiang job" "$work/next-$next.log" || fail "dependant started"
scancel "$next" 2>/dev/null || true
echo "ok"
