#!/bin/sh
# check_control_flow.sh ONNXC_RUN WORKDIR - If, Loop and Scan models of
# every version (tools/gen/make_control_flow.py) through onnxc and
# onnxruntime (onnxc-validate), each on every input set it comes with.
# Prints one line per check and ends with "N passed, N failed"; exits 1 if
# any check failed, 2 if the models could not be written.
set -u
[ $# -eq 2 ] || { echo "usage: $0 ONNXC_RUN WORKDIR" >&2; exit 2; }
run=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-/usr/bin/python3}
rm -rf "$work"
"$python" "$here/../gen/make_control_flow.py" "$work" || exit 2
passed=0
failed=0
for model in "$work"/*/model.onnx; do
    dir=${model%/model.onnx}
    for set in "$dir"/set_*; do
        what="${dir##*/} ${set##*/}"
        # shellcheck disable=SC2046
        if out=$(node "$here/../oracle/onnxc-validate" --onnxc "$run" "$model" \
                 $(ls "$set"/input_*.pb | sort -V) 2>&1); then
            passed=$((passed + 1))
            echo "PASS $what"
        else
            failed=$((failed + 1))
            echo "FAIL $what: $(printf '%s\n' "$out" | tail -n 3 | tr '\n' ' ')"
        fi
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
