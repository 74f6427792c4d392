#!/usr/bin/env bash
# slurm_submit.sh — helpers for the slurm tests: submit real sbatch scripts to
# the local cluster and check what Slurm says about them.
#   sx_submit ARGS...        sbatch --parsable ARGS, prints the job id
#   sx_wait ID [SECONDS]     wait until the job leaves PENDING/RUNNING/...
#   sx_state ID              JobState from scontrol
#   sx_exit ID               ExitCode from scontrol
set -uo pipefail
: "${SLURM_CONF:?SLURM_CONF must point at the local cluster (scripts/slurm-local.sh env)}"

sx_submit() { sbatch --parsable "$@" | cut -d';' -f1; }
sx_field() { scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
sx_state() { sx_field "$1" JobState; }
sx_exit() { sx_field "$1" ExitCode; }
sx_wait() {
  local id=$1 limit=${2:-300} t=0 s
  while [ $t -lt $((limit * 2)) ]; do
    s=$(sx_state "$id")
    case "$s" in PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|SUSPENDED|"") ;; *) echo "$s"; return 0 ;; esac
    # A job held by a dependency that can never be satisfied stays PENDING.
    if [ "$s" = PENDING ] && [ "$(sx_field "$id" Reason)" = DependencyNeverSatisfied ]; then echo "$s"; return 0; fi
    sleep 0.5; t=$((t + 1))
  done
  echo TIMEOUT
}
fail() { echo "FAIL: $*"; exit 1; }
