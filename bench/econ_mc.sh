#!/usr/bin/env bash
# bench/econ_mc.sh — Monte Carlo uncertainty of a county-level index: 122 units
# (Hunan's county-level count) x 50 indicators in 8 pillars and 2 sub-indices,
# about 10^6 model runs (N = 166667 base samples x 6 runs of the Saltelli
# design), at 1 and 2 ranks. Not a test: prints a markdown table for
# docs/performance.md and checks the two runs' tables are byte-identical.
#
# Input: synthetic log-normal indicators with 3 % missing values, generated
# with a fixed seed (numpy), since no county panel of this size ships with the
# repository; the cost depends only on the table's shape.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
work=${BENCH_DIR:-/tmp/sanxiang-bench-econ}
samples=${SAMPLES:-166667}
mkdir -p "$work"
/usr/bin/python3 - "$work" <<'PY'
import sys, numpy as np
w = sys.argv[1]; rng = np.random.default_rng(122)
nu, ni = 122, 50
x = rng.lognormal(mean=2.0, sigma=0.8, size=(nu, ni))
x[rng.random((nu, ni)) < 0.03] = np.nan
with open(f"{w}/data.csv", "w") as f:
    f.write("code,name,group," + ",".join(f"i{k:02d}" for k in range(ni)) + "\n")
    for u in range(nu):
        vals = ",".join("" if np.isnan(v) else f"{v:.6f}" for v in x[u])
        f.write(f"{430101 + u},unit{u},{'ABCD'[u % 4]},{vals}\n")
with open(f"{w}/dict.csv", "w") as f:
    f.write("code,parent,direction,weight\n")
    for k in range(ni):
        f.write(f"i{k:02d},P{k % 8},{-1 if k % 7 == 0 else 1},1\n")
    for p in range(8):
        f.write(f"P{p},{'S1' if p < 4 else 'S2'},1,1\n")
    f.write("S1,Index,1,1\nS2,Index,1,1\nIndex,,1,1\n")
PY
cat > "$work/job.yaml" <<YAML
job: bench_econ_mc
steps:
  - step: econ_uncertainty
    data: $work/data.csv
    dictionary: $work/dict.csv
    unit_column: code
    group_column: group
    impute: group_mean
    samples: $samples
    batch: 256
YAML
echo "| ranks | model runs | wall time (s) | runs/s |"
echo "|---|---|---|---|"
for np in 1 2; do
  t0=$(date +%s.%N)
  OMP_NUM_THREADS=1 mpirun -np $np build/bin/sanxiang econ uncertainty "$work/job.yaml" --out "$work/np$np" >"$work/log$np" 2>&1
  t1=$(date +%s.%N)
  runs=$((samples * 6))
  python3 -c "t=$t1-$t0; print(f'| $np | $runs | {t:.1f} | {$runs/t:,.0f} |')"
done
cmp "$work/np1/index/uncertainty.csv" "$work/np2/index/uncertainty.csv" && cmp "$work/np1/index/sensitivity.csv" "$work/np2/index/sensitivity.csv" \
  && echo "1-rank and 2-rank tables are byte-identical"
grep "econ_uncertainty:" "$work/log1" "$work/log2" | sed 's/.*INFO  //'
