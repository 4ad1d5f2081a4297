#!/bin/sh
# check_npy.sh ONNXC_RUN SOURCE_DIR WORK: the same data as .npy and as .pb
# gives byte-identical outputs, for float32 and float64, and NumPy reads
# --output-format npy outputs as the same values.
set -eu
run=$1; src=$2; work=$3
fx=$src/tests/fixtures
rm -rf "$work"; mkdir -p "$work"
check() {  # name model npy pb
    "$run" --quiet -o "$work/$1_npy" "$2" "$3"
    "$run" --quiet -o "$work/$1_pb" "$2" "$4"
    cmp "$work/$1_npy/output_0.pb" "$work/$1_pb/output_0.pb"
    "$run" --quiet --output-format npy -o "$work/$1_out" "$2" "$4"
    # NumPy reads the .npy output as exactly the values of the .pb one.
    "${ONNXC_PYTHON:-/usr/bin/python3}" -c "
import sys, numpy as np, onnx
from onnx import numpy_helper
a = np.load(sys.argv[1]); b = numpy_helper.to_array(onnx.load_tensor(sys.argv[2]))
assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), (a.dtype, b.dtype, a.shape, b.shape)
" "$work/$1_out/output_0.npy" "$work/$1_pb/output_0.pb"
    echo "PASS $1: .npy and .pb inputs give identical outputs"
}
check f32 "$fx/reference/mlp_relu/model.onnx" "$fx/npy/input_f32.npy" \
      "$fx/reference/mlp_relu/test_data_set_1/input_0.pb"
check f64 "$fx/npy/gemm_relu_f64.onnx" "$fx/npy/input_gemm_f64.npy" \
      "$fx/npy/input_gemm_f64.pb"
echo "2 passed, 0 failed"
