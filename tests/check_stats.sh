#!/bin/sh
# check_stats.sh ONNXC_RUN VARIANT_DIR: on the reference network the arena
# the planner uses equals the lower bound (the largest total of tensors
# alive at one step), at batch 1 and batch 64, with Relu fused into the
# Gemm (the default) and without.
run=$1; dir=$2
for set in 0 1; do
    out=$("$run" --quiet --stats -d "$dir/test_data_set_$set" "$dir/model.onnx") || exit 1
    echo "$out" | grep '^plan:'
    arena=$(echo "$out" | sed -n 's/^plan: arena \([0-9]*\) bytes, lower bound \([0-9]*\) bytes.*/\1/p')
    bound=$(echo "$out" | sed -n 's/^plan: arena \([0-9]*\) bytes, lower bound \([0-9]*\) bytes.*/\2/p')
    [ -n "$arena" ] && [ "$arena" = "$bound" ] || { echo "arena $arena != lower bound $bound"; exit 1; }
done
# Without fusion Relu is a node of its own, and runs in place.
out=$("$run" --optimize none --quiet --stats -d "$dir/test_data_set_1" "$dir/model.onnx") || exit 1
echo "$out" | grep '^plan:'
echo "$out" | grep -q ', 1 in place$' || { echo "expected Relu to run in place"; exit 1; }
