#!/usr/bin/env bash
# Export the PyTorch models of export_models.py at every opset and check
# onnxc on each twice: against torch's own outputs (onnxc-run -d, batch 3)
# and against onnxruntime on random inputs (onnxc-validate, batch 7).
#
# Usage: tools/check/check_models.sh ONNXC_RUN WORKDIR
#
# Prints one line per check and ends with "N passed, N failed"; exits 1 if
# any check failed, 2 if the models could not be exported.
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: $0 ONNXC_RUN WORKDIR" >&2
    exit 2
fi
run=$1
workdir=$2
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${PYTHON:-/usr/bin/python3}   # needs torch + onnx; not the pyenv python3

mkdir -p "$workdir"
log=$workdir/export.log
if ! "$python" "$script_dir/../gen/export_models.py" "$workdir" >"$log" 2>&1; then
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

shopt -s nullglob
dirs=("$workdir"/*_opset*/)
if [ "${#dirs[@]}" -eq 0 ]; then
    echo "check_models: no models were exported into $workdir" >&2
    exit 2
fi
# sort -V: opset7 before opset11.
while IFS= read -r dir; do
    model=$(basename "$dir")
    report "$model torch" \
        "$run" --quiet --rtol 1e-4 --atol 1e-5 -d "$dir/test_data_set_0" "$dir/model.onnx"
    report "$model onnxruntime" \
        "$script_dir/../oracle/onnxc-validate" "$dir/model.onnx" --batch 7 --onnxc "$run"
done < <(printf '%s\n' "${dirs[@]%/}" | sort -V)

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
