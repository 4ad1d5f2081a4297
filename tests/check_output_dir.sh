#!/bin/sh
# check_output_dir.sh ONNXC_RUN VARIANT_DIR WORK: outputs written with -o
# are valid test data: comparing against them with zero tolerance matches.
run=$1; dir=$2; work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
cp "$dir/test_data_set_1/input_0.pb" "$work/" || exit 1
"$run" --quiet -o "$work" "$dir/model.onnx" "$work/input_0.pb" || exit 1
[ -f "$work/output_0.pb" ] || { echo "no output_0.pb written"; exit 1; }
"$run" --quiet --rtol 0 --atol 0 -d "$work" "$dir/model.onnx"
