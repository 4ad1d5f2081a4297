#!/usr/bin/env bash
# Re-export the reference MLPs with fresh weights and check onnxc against torch.
#
# Usage: tools/check/check_reference.sh ONNXC_RUN WORKDIR
#
# Uses seed 1 (the committed fixtures in tests/fixtures/reference use seed 0),
# so this also catches a runtime that only happens to pass on those weights.
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: $0 ONNXC_RUN WORKDIR" >&2
    exit 2
fi
run=$1
workdir=$2
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
python=${PYTHON:-/usr/bin/python3}   # needs torch + onnx; not the pyenv python3

if ! "$python" "$script_dir/../gen/export_reference.py" "$workdir" --seed 1; then
    echo "check_reference: export failed" >&2
    exit 1
fi

passed=0
failed=0
for variant in mlp_relu mlp_leakyrelu; do
    model=$workdir/$variant/model.onnx
    for n in 0 1; do   # batch 1 and batch 64, as written by export_reference.py
        set_dir=$workdir/$variant/test_data_set_$n
        name=$variant/$(basename "$set_dir")
        # `|| rc=$?` keeps set -e from aborting, so every check gets reported.
        rc=0
        "$run" --quiet --rtol 1e-4 --atol 1e-5 -d "$set_dir" "$model" || rc=$?
        if [ "$rc" -eq 0 ]; then
            echo "PASS $name"
            passed=$((passed + 1))
        else
            echo "FAIL $name (exit $rc)"
            failed=$((failed + 1))
        fi
    done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
