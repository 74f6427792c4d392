#!/usr/bin/env bash
# bench/hydro.sh — flood-forecasting throughput at 1 and 2 ranks. Not a test: prints a
# markdown table for docs/flood-forecasting.md (and docs/performance.md).
#   1. model speed: `sanxiang hydro run xaj|gr4j` over 70 128 hourly steps (the Chengcun
#      8-year daily series repeated hourly), wall time minus a 1-step run (CSV I/O);
#   2. a 1000-member ensemble over 14 sub-basins (a branching network with Muskingum
#      reaches), 72 hourly lead steps after 720 observed hours;
#   3. a full Xinanjiang calibration on Chengcun (jobs/hydro_calibrate_chengcun.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export OMP_NUM_THREADS=1 SX_PROGRESS_SECONDS=0
SX=build/bin/sanxiang
work=${BENCH_DIR:-/tmp/sanxiang-bench-hydro}
mkdir -p "$work"
/usr/bin/python3 - "$work" <<'PY'
import csv, sys
work = sys.argv[1]
rows = list(csv.reader(open("data/hydrology/xinanjiang_chengcun/chengcun_daily.csv")))[1:]
# hourly forcing: each day's rain spread over 24 h (real totals, synthetic timing)
with open(f"{work}/long.csv", "w") as f, open(f"{work}/short.csv", "w") as g:
    f.write("time,P,E\n"); g.write("time,P,E\n")
    k = 0
    for r in rows * 1:
        p = sum(float(v) for v in r[1:11]) / 10 / 24
        for h in range(24):
            k += 1
            f.write(f"{k},{p:.4f},{float(r[11]) / 24:.4f}\n")
            if k == 1: g.write(f"{k},{p:.4f},{float(r[11]) / 24:.4f}\n")
lines = open("data/hydrology/xinanjiang_chengcun/watershed_utf8.txt", encoding="utf-8").read().splitlines()
area = lines[5].split("//")[0].split()
w = [lines[6 + u].split("//")[0].split() for u in range(20)]
with open(f"{work}/fc.csv", "w") as f:
    f.write("time," + ",".join(f"P{g+1:02d}" for g in range(10)) + ",EM\n")
    k = 0
    for r in rows[2700:2700 + 34]:
        for h in range(24):
            k += 1
            f.write(f"{k}," + ",".join(f"{float(v) / 24:.4f}" for v in r[1:11]) + f",{float(r[11]) / 24:.4f}\n")
# 14 sub-basins: a binary-ish tree draining to s14
down = ["s05", "s05", "s06", "s06", "s09", "s09", "s10", "s10", "s13", "s13", "s12", "s13", "s14", ""]
y = ["job: bench_hydro_ensemble", f"inputs: {{forcing: {work}/fc.csv}}", "steps:", "  - step: hydro_forecast",
     "    basin: bench", "    model: xaj", "    forcing: forcing",
     "    gauges: [P01, P02, P03, P04, P05, P06, P07, P08, P09, P10]", "    evaporation: EM",
     '    start: "1"', '    issue: "720"', "    lead: 72", "    dt_hours: 1",
     "    params: {KG: 0.02, KI: 0.05, CI: 0.95, CG: 0.998, CS: 0.8, L: 2}",
     "    ensemble: {members: 1000, rain_sigma: 0.4, seed: 7}", "    subbasins:"]
for i in range(14):
    extra = f", down: {down[i]}, k: 3, x: 0.2" if down[i] else ", warning: 150, guaranteed: 250"
    y.append(f"      - {{id: s{i+1:02d}, area: {area[i]}{extra}, weights: [{', '.join(w[i])}]}}")
open(f"{work}/ensemble.yaml", "w").write("\n".join(y) + "\n")
PY
now() { date +%s.%N; }
t() { local t0 t1; t0=$(now); "$@" >/dev/null 2>&1; t1=$(now); echo "$t1 - $t0" | bc -l; }
n=$(($(wc -l < "$work/long.csv") - 1))
echo "| measurement | 1 rank | 2 ranks |"
echo "|---|---|---|"
for m in xaj gr4j; do
  full=$(t $SX hydro run $m --forcing "$work/long.csv" -o "$work/q_$m.csv")
  one=$(t $SX hydro run $m --forcing "$work/short.csv" -o "$work/q1_$m.csv")
  rd=$(/usr/bin/python3 -c "import time,csv; t=time.time(); list(csv.reader(open('$work/long.csv'))); print(time.time()-t)")
  echo "| $m: $n steps, whole command (CSV read/write included) | $(printf %.3f "$full") s | — |"
done
e1=$(t mpirun -np 1 $SX run "$work/ensemble.yaml" --out "$work/e1")
e2=$(t mpirun -np 2 $SX run "$work/ensemble.yaml" --out "$work/e2")
cmp "$work/e1/forecast.csv" "$work/e2/forecast.csv" && same=identical || same=DIFFERENT
c1=$(grep -o '"hydro forecast"[^}]*' "$work/e1/perf.json" | head -1)
echo "| ensemble 1000 members x 14 sub-basins x 72 h lead (+720 h observed), job wall time | $(printf %.2f "$e1") s | $(printf %.2f "$e2") s ($same) |"
k1=$(t mpirun -np 1 $SX hydro calibrate jobs/hydro_calibrate_chengcun.yaml --out "$work/k1")
k2=$(t mpirun -np 2 $SX hydro calibrate jobs/hydro_calibrate_chengcun.yaml --out "$work/k2")
cmp "$work/k1/xaj_chengcun.csv" "$work/k2/xaj_chengcun.csv" && same=identical || same=DIFFERENT
echo "| XAJ calibration, Chengcun 2922 days, SCE-UA 8 complexes, ~12 300 evaluations | $(printf %.2f "$k1") s | $(printf %.2f "$k2") s ($same) |"
echo
echo "perf (1 rank): $c1"
