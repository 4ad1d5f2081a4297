#!/usr/bin/env bash
# Export PyTorch models at every opset and check onnxc on each against
# torch's own outputs (onnxc-run -d) and against onnxruntime
# (onnxc-validate):
#  - models (default): export_models.py, the MLP family; torch at batch 3,
#    onnxruntime on random inputs at batch 7;
#  - graphs: export_graphs.py, graphs that compute shapes and carry integer
#    and bool tensors; torch on both data sets (two sizes of batch and
#    sequence), onnxruntime on the second set's inputs (token ids must stay
#    in range, so no random ones).
#  - cnns: export_cnns.py, torchvision CNNs and small convolutional nets;
#    torch on both data sets (batch 1 and 2), onnxruntime on the second
#    set's inputs; rtol 1e-3, atol 1e-4 (deep nets sum long chains of
#    float32 products in different orders).
#
# Usage: tools/check/check_models.sh ONNXC_RUN WORKDIR [models|graphs|cnns]
#
# Prints one line per check and ends with "N passed, N failed"; exits 1 if
# any check failed, 2 if the models could not be exported.
set -euo pipefail

if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
    echo "usage: $0 ONNXC_RUN WORKDIR [models|graphs|cnns]" >&2
    exit 2
fi
run=$1
workdir=$2
kind=${3:-models}
tolerance=(--rtol 1e-4 --atol 1e-5)
[ "$kind" = cnns ] && tolerance=(--rtol 1e-3 --atol 1e-4)
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${PYTHON:-/usr/bin/python3}   # needs torch + onnx; not the pyenv python3

mkdir -p "$workdir"
log=$workdir/export.log
case $kind in
models) export=("$python" "$script_dir/../gen/export_models.py" "$workdir") ;;
graphs) export=("$python" "$script_dir/../gen/export_graphs.py" "$workdir" --runner "$run") ;;
cnns) export=("$python" "$script_dir/../gen/export_cnns.py" "$workdir" --runner "$run") ;;
*) echo "check_models: unknown kind $kind" >&2; exit 2 ;;
esac
if ! "${export[@]}" >"$log" 2>&1; then
    echo "check_models: export failed; see $log:" >&2
    tail -n 5 "$log" >&2
    exit 2
fi
# The exporter's summary: how many were exported, which were left out for
# operators onnxc does not run (the full list is in the log).
tail -n 1 "$log"

passed=0
failed=0
# report NAME COMMAND...: runs the check, prints PASS/FAIL, and on failure
# the command's output, indented, so the log says why.
report() {
    local name=$1 out rc=0
    shift
    out=$("$@" 2>&1 </dev/null) || rc=$?   # stdin is the list of models
    if [ "$rc" -eq 0 ]; then
        echo "PASS $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name (exit $rc)"
        if [ -n "$out" ]; then
            printf '%s\n' "$out" | sed 's/^/    /'
        fi
        failed=$((failed + 1))
    fi
}

# fused_layer_norm DIR: the program onnxc compiles from DIR's model runs
# its two LayerNorms as LayerNormalization nodes and no ReduceMean is
# left: torch decomposes nn.LayerNorm before opset 17, and
# runtime/compile/fuse_layer_norm.c puts it back together.
fused_layer_norm() {
    local nodes
    nodes=$("$run" --nodes --quiet "$1/model.onnx" "$1/test_data_set_0/input_0.pb")
    echo "$nodes"
    case $nodes in
    *ReduceMean*) return 1 ;;
    *"LayerNormalization 2"[,\)]*) return 0 ;;
    *) return 1 ;;
    esac
}

# folded_batch_norm DIR: the program onnxc compiles from DIR's model (an
# export that keeps its BatchNormalization nodes) runs none of them:
# runtime/compile/fold_batch_norm.c takes each into its Conv's weights.
folded_batch_norm() {
    local nodes
    nodes=$("$run" --nodes --quiet "$1/model.onnx" "$1/test_data_set_0/input_0.pb")
    echo "$nodes"
    case $nodes in
    *BatchNormalization*) return 1 ;;
    *) return 0 ;;
    esac
}

shopt -s nullglob
dirs=("$workdir"/*_opset*/)
if [ "${#dirs[@]}" -eq 0 ]; then
    echo "check_models: no models were exported into $workdir" >&2
    exit 2
fi
# sort -V: opset7 before opset11.
while IFS= read -r dir; do
    model=$(basename "$dir")
    for set in "$dir"/test_data_set_*; do
        report "$model torch $(basename "$set")" \
            "$run" --quiet "${tolerance[@]}" -d "$set" "$dir/model.onnx"
    done
    if [ "$kind" = graphs ] && [ "${model%_opset*}" = transformer_block ]; then
        report "$model LayerNorm fused" fused_layer_norm "$dir"
    fi
    if [ "$kind" = cnns ] && grep -q BatchNormalization "$dir/model.onnx"; then
        report "$model BatchNormalization folded" folded_batch_norm "$dir"
    fi
    if [ "$kind" != models ]; then
        report "$model onnxruntime" "$script_dir/../oracle/onnxc-validate" \
            "$dir/model.onnx" "$dir/test_data_set_1/input_0.pb" "${tolerance[@]}" \
            --onnxc "$run"
    else
        report "$model onnxruntime" \
            "$script_dir/../oracle/onnxc-validate" "$dir/model.onnx" --batch 7 --onnxc "$run"
    fi
done < <(printf '%s\n' "${dirs[@]%/}" | sort -V)

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
