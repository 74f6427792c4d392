#!/usr/bin/env bash
# forecast-cycle.sh — submit one forecast cycle as a Slurm dependency chain:
#
#   forecast (hydro) --afterok--> inundation (flood2d) --afterok--> publish
#
#   slurm/forecast-cycle.sh CYCLE_DIR [FORECAST_JOB.yaml] [INUNDATION_JOB.yaml]
#
# Outputs: CYCLE_DIR/forecast, CYCLE_DIR/inundation, CYCLE_DIR/package and one
# log per stage in CYCLE_DIR/logs. Prints the three job ids (forecast,
# inundation, publish). A stage that fails ends FAILED and the stages after it
# are cancelled (--kill-on-invalid-dep), so a bad forecast never reaches the
# one map. The hand-off: the inundation stage reads the forecast stage's own
# CYCLE_DIR/forecast/forecast.csv, passed as
#   --set <SX_INUNDATION_FORECAST_KEY>=CYCLE_DIR/forecast/forecast.csv
# (key default steps.0.inflows.0.hydrograph.forecast, the inflow of
# jobs/flood2d_forecast.yaml; set it empty for an inundation job that does not
# read the forecast). Extra arguments per stage come from the environment:
#   SX_FORECAST_ARGS, SX_INUNDATION_ARGS   e.g. "--set steps.0.lead=5"
#   SX_PUBLISH_ARGS                        e.g. "--crs EPSG:4547"
#   SX_SBATCH_ARGS                         sbatch options for every stage (-A, -p, --time ...)
#   SX_FORECAST_RANKS, SX_INUNDATION_RANKS ranks per stage (default 2, 4)
# Run it from the sanxiang checkout. On TianHe, yhbatch is used when sbatch is absent.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: slurm/forecast-cycle.sh CYCLE_DIR [FORECAST_JOB] [INUNDATION_JOB]" >&2; exit 2; }
cycle=$(mkdir -p "$1" && cd "$1" && pwd)
forecast_job=${2:-jobs/hydro_forecast_chengcun.yaml}
inundation_job=${3:-jobs/flood2d_forecast.yaml}
fkey=${SX_INUNDATION_FORECAST_KEY-steps.0.inflows.0.hydrograph.forecast}
handoff=(); [ -n "$fkey" ] && handoff=(--set "$fkey=$cycle/forecast/forecast.csv")
root=$(cd "$(dirname "$0")/.." && pwd)
sbatch=sbatch; command -v sbatch >/dev/null || sbatch=yhbatch
mkdir -p "$cycle/logs"
# shellcheck disable=SC2086
submit() { $sbatch --parsable --chdir="$root" --kill-on-invalid-dep=yes ${SX_SBATCH_ARGS:-} "$@" | cut -d';' -f1; }
f=$(submit -J sx-forecast -n "${SX_FORECAST_RANKS:-2}" -o "$cycle/logs/forecast-%j.log" \
      --export=ALL,SX_JOB_DIR="$cycle/forecast" slurm/forecast.sbatch "$forecast_job" ${SX_FORECAST_ARGS:-})
i=$(submit -J sx-inundation -n "${SX_INUNDATION_RANKS:-4}" -o "$cycle/logs/inundation-%j.log" --dependency=afterok:"$f" \
      --export=ALL,SX_JOB_DIR="$cycle/inundation" slurm/inundation.sbatch "$inundation_job" "${handoff[@]}" ${SX_INUNDATION_ARGS:-})
p=$(submit -J sx-publish -n 1 -o "$cycle/logs/publish-%j.log" --dependency=afterok:"$i" \
      slurm/publish.sbatch "$cycle/inundation" "$cycle/package" ${SX_PUBLISH_ARGS:-})
echo "$f $i $p"
