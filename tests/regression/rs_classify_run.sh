#!/bin/sh
# rs_classify_run.sh BIN NP IN OUT — rs classify on NP ranks into OUT/np<NP>/
# on rs_classify_setup.py's inputs IN: a single unpruned tree, a 7-tree forest
# with vote shares and a 30 % test, a forest from polygons, the default
# 100-tree forest, and that forest's model reapplied (--model) with the
# features given in another order; a hand-written model.
set -eu
bin=$1; np=$2; in=$3; out=$4
mkdir -p "$out/np$np"
cd "$out/np$np" # same command line at every rank count: relative output names
run() { mpirun --oversubscribe -np "$np" "$bin" "$@"; }
f="-b f1=$in/f1.tif -b f2=$in/f2.tif -b f3=$in/f3.tif"
run rs classify $f --samples "$in/points.gpkg" --trees 1 --mtry 3 --no-bootstrap --test-fraction 0 -o tree.tif
run rs classify $f --samples "$in/points.gpkg" --trees 7 --mtry 1 --seed 5 --probabilities -o forest.tif
run rs classify $f --samples "$in/polygons.gpkg" --trees 3 --mtry 2 --seed 9 --test-fraction 0 --min-samples 2 -o poly.tif
run rs classify $f --samples "$in/points.gpkg" --format cog,nc -o rf.tif
run rs classify -b f3="$in/f3.tif" -b f2="$in/f2.tif" -b f1="$in/f1.tif" --model rf_model.txt \
    --samples "$in/points.gpkg" -o again.tif
run rs classify $f --model "$in/hand_model.txt" -o hand.tif
