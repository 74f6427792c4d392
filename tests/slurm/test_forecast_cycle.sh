#!/usr/bin/env bash
# The forecast cycle as a real Slurm dependency chain (slurm/forecast-cycle.sh):
# the Chengcun forecast, then a shortened inundation run of
# jobs/flood2d_forecast.yaml on the Olinda DEM, then the one-map package of the
# inundation. Each stage must start only after the one before it ended, all
# must be COMPLETED, the products must be there, and the inundation must have
# taken its inflow from this cycle's forecast.csv (inflow volumes equal the
# integral of the outlet's p50 x 0.6 of that file; run.json names it).
. "$(dirname "$0")/slurm_submit.sh"
root=$1; work=$2
rm -rf "$work"; mkdir -p "$work"
ids=$(cd "$root" && SX_SBATCH_ARGS="--cpus-per-task=1" SX_INUNDATION_ARGS="--set steps.0.duration_s=7200 --set steps.0.report_interval_s=1800" \
      SX_INUNDATION_RANKS=2 slurm/forecast-cycle.sh "$work/cycle") || fail "forecast-cycle.sh failed"
set -- $ids; f=$1 i=$2 p=$3
sp=$(sx_wait "$p" 800); sf=$(sx_state "$f"); si=$(sx_state "$i")
echo "forecast $f: $sf, inundation $i: $si, publish $p: $sp"
for l in "$work"/cycle/logs/*.log; do echo "== $l"; tail -n 5 "$l"; done
[ "$sf" = COMPLETED ] && [ "$si" = COMPLETED ] && [ "$sp" = COMPLETED ] || fail "a stage did not complete"
end_f=$(sx_field "$f" EndTime); start_i=$(sx_field "$i" StartTime)
end_i=$(sx_field "$i" EndTime); start_p=$(sx_field "$p" StartTime)
[[ "$start_i" > "$end_f" || "$start_i" == "$end_f" ]] || fail "inundation started ($start_i) before the forecast ended ($end_f)"
[[ "$start_p" > "$end_i" || "$start_p" == "$end_i" ]] || fail "publish started ($start_p) before the inundation ended ($end_i)"
[ -s "$work/cycle/forecast/forecast.csv" ] || fail "no forecast.csv"
[ -s "$work/cycle/inundation/max_depth.tif" ] || ls "$work/cycle/inundation"
ls "$work/cycle/inundation"/*.tif > /dev/null || fail "no inundation rasters"
[ -s "$work/cycle/package/catalog.json" ] || fail "no one-map package catalog"
/usr/bin/python3 "$root/tests/regression/flood2d_forecast_inflow.py" "$work/cycle/forecast/forecast.csv" outlet p50 0.6 24 \
  "$work/cycle/inundation" || fail "the inundation did not use the cycle's forecast"
echo "ok"
