#!/bin/sh
# run_data_sets.sh ONNXC_RUN MODEL_DIR: every test_data_set_N of an official
# ONNX test case must match within the backend tolerances (the defaults).
run=$1; dir=$2; n=0
for set in "$dir"/test_data_set_*; do
    "$run" --quiet -d "$set" "$dir/model.onnx" || exit 1
    n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "no data sets in $dir"; exit 1; }
