#!/bin/bash
# bench/load.sh - what loading costs, onnxc beside onnxruntime in the same
# run: one process per model (load, create a session, run once at batch
# 1), its fastest wall time over N interleaved runs and its peak RSS, for
# the 1 KB reference network and the ~100 MB big MLP (bench/make_models.py);
# and onnxc-run against the process floor: `int main(void) { return 0; }`
# built with the same compiler and flags and linked like onnxc-run.
#
#   bench/load.sh [N]        (default 20; build/ must hold onnxc-run)
#
# Figures are printed, never judged.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-20}
DIR=${BENCH_DIR:-/tmp/onnxc-bench}/load
mkdir -p "$DIR"
RUN=$SRC/build/bin/onnxc-run
ORT_LIB=$(ls "$SRC"/tools/oracle/node_modules/onnxruntime-node/bin/napi-v*/linux/x64/libonnxruntime.so.1* | head -n 1)
CC=${CC:-cc}
"$CC" -O2 -o "$DIR/spawn_time" "$SRC/bench/spawn_time.c"
"$CC" -std=c11 -O2 -D_XOPEN_SOURCE=700 -I"$SRC/bench" -o "$DIR/ort_once" \
    "$SRC/bench/ort_once.c" "$SRC/bench/ort_session.c" "$SRC/bench/ort_api.c" \
    "$SRC/bench/measure.c" -ldl -lm
# The floor, compiled and linked as build/ links onnxc-run (its flags and
# libraries; --no-as-needed so that the libraries load as they do there).
echo 'int main(void) { return 0; }' >"$DIR/floor.c"
"$CC" -O3 -DNDEBUG -o "$DIR/floor" "$DIR/floor.c" -Wl,--no-as-needed -lm -lprotobuf-c
/usr/bin/python3 "$SRC/bench/make_models.py" "$DIR" >/dev/null
# An input for each: batch 1, as make_models.py shapes them.
/usr/bin/python3 - "$DIR" <<'PY'
import sys, numpy as np, onnx, onnx.numpy_helper as nh
d = sys.argv[1]
for name, n in (("ref_mlp", 10), ("big_mlp", 1024)):
    m = onnx.load(f"{d}/{name}.onnx", load_external_data=False)
    x = np.random.default_rng(0).standard_normal((1, n)).astype(np.float32)
    t = nh.from_array(x, m.graph.input[0].name)
    open(f"{d}/{name}_input.pb", "wb").write(t.SerializeToString())
PY
for name in ref_mlp big_mlp; do
    size=$(stat -c %s "$DIR/$name.onnx")
    echo "--- $name.onnx ($size bytes): A onnxc-run, B onnxruntime (bench/ort_once)"
    "$DIR/spawn_time" "$N" "$RUN" -q "$DIR/$name.onnx" "$DIR/${name}_input.pb" -- \
        "$DIR/ort_once" "$DIR/$name.onnx" --ort-lib "$ORT_LIB"
done
echo "--- onnxc-run on ref_mlp (A) against the process floor (B)"
"$DIR/spawn_time" "$((N * 10))" "$RUN" -q "$DIR/ref_mlp.onnx" "$DIR/ref_mlp_input.pb" -- "$DIR/floor"
