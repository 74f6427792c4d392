#!/bin/sh
# rs_trend_run.sh BIN NP OUT — rs trend on the random and the L8NY18 NDVI
# stacks (rs_trend_setup.py) on NP ranks, into OUT/np<NP>/.
set -eu
bin=$1; np=$2; out=$3
mkdir -p "$out/np$np"
cd "$out/np$np" # same command line at every rank count: relative output names
run() { mpirun --oversubscribe -np "$np" "$bin" rs trend "$@"; }
run --hamed-rao --strip-rows 5 --format cog,nc -o rand_hr.tif ../rand/d*.tif
run --alpha 0.1 -o rand.tif ../rand/d*.tif
run --list ../ny18.txt --per year --hamed-rao -o ny18_hr.tif
run --list ../ny18.txt -o ny18.tif
