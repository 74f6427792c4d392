# sx-env.sh — sourced by every sanxiang sbatch script. Sets up one rank per
# Slurm task: OpenMP threads from --cpus-per-task, GDAL's block cache sized
# from the memory Slurm gives each rank, a per-job output and log directory,
# and the launcher (srun, or yhrun on TianHe systems).
#
# Threads follow sanxiang's rule (docs/slurm.md): a rank uses the CPUs Slurm
# gives its task. --cpus-per-task=T gives each task T CPUs (srun binds them)
# and T threads (OMP_NUM_THREADS=T); without it sanxiang sizes threads from
# the task's affinity mask itself. Since Slurm 22.05 srun no longer inherits
# --cpus-per-task from sbatch, so it is passed on as SRUN_CPUS_PER_TASK.
#
# Environment a user may set (all optional):
#   SX_ROOT      sanxiang checkout (default: the directory above this script)
#   SX_BIN       sanxiang executable (default: $SX_ROOT/build/bin/sanxiang)
#   SX_OUT_BASE  where per-job directories go (default: $SLURM_SUBMIT_DIR/out)
#   SX_LAUNCH    launcher command (default: srun --mpi=pmix --wait=30, or yhrun --wait=30)
#   SX_GDAL_CACHE_MB  override GDAL's cache per rank

SX_ROOT=${SX_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SX_BIN=${SX_BIN:-$SX_ROOT/build/bin/sanxiang}
if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then
  export OMP_NUM_THREADS=$SLURM_CPUS_PER_TASK SRUN_CPUS_PER_TASK=$SLURM_CPUS_PER_TASK
fi
# OMP_PROC_BIND is left unset on purpose: with it, libgomp pins each rank's
# main thread to one CPU at start-up, and the threads GDAL starts from it
# (COG compression, warping) would all share that CPU.

# GDAL cache: a quarter of the memory per rank, between 32 MiB and 1 GiB.
if [ -z "${SX_GDAL_CACHE_MB:-}" ]; then
  if [ -n "${SLURM_MEM_PER_CPU:-}" ]; then per_rank=$(( SLURM_MEM_PER_CPU * ${SLURM_CPUS_PER_TASK:-1} ))
  elif [ -n "${SLURM_MEM_PER_NODE:-}" ]; then per_rank=$(( SLURM_MEM_PER_NODE / ${SLURM_NTASKS_PER_NODE:-${SLURM_NTASKS:-1}} ))
  else per_rank=1024; fi
  cache=$(( per_rank / 4 )); [ $cache -lt 32 ] && cache=32; [ $cache -gt 1024 ] && cache=1024
  export SX_GDAL_CACHE_MB=$cache
fi

if [ -z "${SX_LAUNCH:-}" ]; then
  # --wait=30: once one rank has ended, the others get 30 s to end too, then
  # are killed. Ranks normally end together (MPI_Finalize is collective), so
  # this only matters when a rank dies (killed, out of memory, node lost): the
  # others would otherwise wait in a collective until the time limit. Not
  # --kill-on-bad-exit, which would kill ranks still exiting after an agreed
  # error and turn its exit status (3, 4, ...) into 137.
  if command -v yhrun >/dev/null 2>&1 && ! command -v srun >/dev/null 2>&1; then SX_LAUNCH="yhrun --wait=30"
  else SX_LAUNCH="srun --mpi=pmix --wait=30"; fi
fi
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
# Ranks on different nodes talk over the network. Open MPI 4.1 cannot make
# one-sided windows over TCP with Debian's defaults (osc/rdma needs RDMA,
# osc/pt2pt is disabled): name the components, keeping a site's own value.
export OMPI_MCA_osc=${OMPI_MCA_osc:-sm,rdma,pt2pt}
# A job on one node talks through shared memory only: skip Open MPI's
# probing for a fabric (pml cm / ucx, about 0.2 s per rank start) by naming
# ob1, unless the site set a point-to-point layer. Jobs over several nodes
# keep the site's choice (UCX on InfiniBand).
if [ "${SLURM_JOB_NUM_NODES:-${SLURM_NNODES:-1}}" = 1 ]; then export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1}; fi

SX_OUT_BASE=${SX_OUT_BASE:-${SLURM_SUBMIT_DIR:-$PWD}/out}
SX_JOB_DIR=${SX_JOB_DIR:-$SX_OUT_BASE/${SLURM_JOB_NAME:-sanxiang}-${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-local}}${SLURM_ARRAY_TASK_ID:+_$SLURM_ARRAY_TASK_ID}}
mkdir -p "$SX_JOB_DIR"

sx_banner() {
  echo "sanxiang job ${SLURM_JOB_ID:-local} on ${SLURM_JOB_NODELIST:-$(hostname)}: ${SLURM_NTASKS:-1} rank(s) x ${OMP_NUM_THREADS:-auto} thread(s), GDAL cache ${SX_GDAL_CACHE_MB} MiB/rank"
  echo "output directory: $SX_JOB_DIR"
  "$SX_BIN" version
}

# Run sanxiang under the launcher, forwarding USR1/TERM from the batch shell
# (sbatch --signal=B:USR1@N signals only this shell) to every rank, so
# sanxiang can checkpoint and exit before the time limit. Returns sanxiang's
# exit status; 8 means "interrupted after a checkpoint".
sx_launch() {
  $SX_LAUNCH "$SX_BIN" "$@" &
  local pid=$!
  SX_SIGNALLED=0
  trap 'SX_SIGNALLED=1; echo "sanxiang: signal received, asking ranks to checkpoint"; kill -USR1 $pid 2>/dev/null' USR1
  trap 'SX_SIGNALLED=1; kill -TERM $pid 2>/dev/null' TERM
  local rc=0
  while :; do
    wait $pid; rc=$?
    # wait returns >128 when interrupted by a trapped signal; the step is still running.
    kill -0 $pid 2>/dev/null || break
  done
  trap - USR1 TERM
  return $rc
}

# After sx_launch: requeue the job if sanxiang stopped for the time limit.
# A signal forwarded while the ranks were still starting (before sanxiang's
# handler was in place) ends them by the signal itself (status > 128): no
# step was interrupted mid-way that a re-run cannot redo (outputs are only
# renamed into place when complete), so that is requeued too.
sx_requeue_if_interrupted() {
  local rc=$1
  if [ -n "${SLURM_JOB_ID:-}" ] && { [ "$rc" -eq 8 ] || { [ "${SX_SIGNALLED:-0}" = 1 ] && [ "$rc" -gt 128 ]; }; }; then
    if [ "$rc" -eq 8 ]; then echo "sanxiang: checkpoint written; requeueing job $SLURM_JOB_ID to resume"
    else echo "sanxiang: the time-limit signal ended the ranks while they started (status $rc); requeueing job $SLURM_JOB_ID to resume"; fi
    scontrol requeue "$SLURM_JOB_ID"
    exit 0
  fi
  return "$rc"
}

# The body of every job script: banner, run the job file under the launcher
# with its outputs in $SX_JOB_DIR, requeue if it stopped for the time limit.
sx_run_job() {
  [ $# -ge 1 ] || { echo "usage: sbatch <script> JOB.yaml [--set key=value ...]" >&2; exit 2; }
  local job=$1; shift
  sx_banner
  sx_launch run "$job" --out "$SX_JOB_DIR" "$@"
  sx_requeue_if_interrupted $?
}
