#!/bin/sh
# rs_series_job.sh BIN CMP OUT — the rs_trend, rs_fvc and rs_vhi job steps in
# one job file on the test stacks (layers by input name and by an earlier
# step's output), each product equal to the command line's (rs_trend_run.sh,
# rs_fvc_run.sh, rs_drought_run.sh at 1 rank) value for value.
set -eu
bin=$1; cmp=$2; out=$3
t=$out/trend; mkdir -p "$out/job"
cd "$out/job"
{
  echo "job: rs_series"
  echo "inputs:"
  for i in $(seq -w 1 12); do echo "  d$i: $t/rand/d$i.tif"; done
  echo "  ndvi0710: $t/ny18/ndvi_20180710.tif"
  echo "output_dir: run"
  echo "steps:"
  echo "  - {step: rs_trend, inputs: [d01, d02, d03, d04, d05, d06, d07, d08, d09, d10, d11, d12], hamed_rao: true, output: rand_hr}"
  echo "  - {step: rs_trend, list: $t/ny18.txt, per: year, hamed_rao: true, output: ny18_hr}"
  echo "  - {step: rs_fvc, ndvi: ndvi0710, soil_percentile: 2, veg_percentile: 98, output: fvc_ny18}"
  echo "  - {step: rs_vhi, ndvi: [d01, d02, d03, d04, d05, d06, d07, d08, d09, d10, d11, d12], output: vci}"
  echo "  - {step: rs_fvc, ndvi: rand_hr_slope, output: fvc_of_slope}"
} > series.yaml
mpirun --oversubscribe -np 2 "$bin" run series.yaml
for f in rand_hr_slope rand_hr_p rand_hr_class ny18_hr_z ny18_hr_class; do "$cmp" --exact run/$f.tif "$t/np1/$f.tif"; done
"$cmp" --exact run/fvc_ny18.tif "$out/fvc/np1/fvc_ny18.tif"
for j in 1 7 12; do "$cmp" --exact run/vci_vci_$j.tif "$out/drought/np1/vci_vci_$j.tif"; done
test -s run/fvc_of_slope.tif
echo "job products equal the command-line products"
