#!/bin/bash
# bench/run.sh - measure onnxc against onnxruntime, OpenBLAS and the FMA
# peak in one run; print a markdown table and write BENCHMARKS.md.
#
#   bench/run.sh
#
# What it measures (each point BENCH_SECONDS of timed runs per engine,
# after warm-up, in BENCH_ROUNDS interleaved rounds; see "The rounds"):
#   - one Gemm, M = N = K in 64 .. 2048 (bench/make_models.py)
#   - one Identity node: the fixed cost of a run, kernels aside
#   - the reference network Linear(10,5)-ReLU-Linear(5,3), batch 1, 64, 1024
#   - the big MLP 1024-4096-4096-1024, batch 1 and 1024
#   on 1 and 2 threads (onnxc on 2 only once it has a thread option), and
#   on 2 threads onnxruntime a second time with --no-spin (its intra-op
#   workers then block instead of spin-waiting, as onnxc's do); the
#   same Gemm shapes through OpenBLAS, with OPENBLAS_CORETYPE and
#   OPENBLAS_L2_SIZE unset and as set (see below); the FP32 FMA peak; and
#   one process per inference: onnxc-run against bench/ort_once.
#
# With BENCH_SUITE=ops it measures the operator cases instead (fixed
# shapes: LayerNormalization and its decomposed opset-13 graph on
# [64, 128, 768], Softmax on [768, 128, 128], ReduceMean over the last
# and a middle axis, Exp and Tanh on 16 M floats; bench/make_models.py),
# in GB/s as well as ms, into BENCHMARKS_OPS.md: a separate file, so the
# Gemm figures and these are each rewritten only by their own run.
#
# With BENCH_SUITE=recurrent it measures issue 15's cases: 2-layer
# nn.LSTM and nn.GRU (input 128, hidden 256, sequence 100) at batch 1 and
# 16, and a Loop of 1,000 small iterations (the per-iteration overhead),
# into BENCHMARKS_RECURRENT.md.
#
# With BENCH_SUITE=cnn it measures convolutional networks exported by
# tools/gen/export_cnns.py at opset 13 (random weights, seed 0):
# torchvision resnet18, mobilenet_v2 and squeezenet1_1 on 3x224x224 and a
# LeNet-5 on 1x32x32, batch 1 and 8, with GFLOP/s (the Conv and Gemm
# arithmetic onnxc-run --profile counts) and the FMA peak, into
# BENCHMARKS_CNN.md.
#
# Figures are printed, never judged: nothing here fails on a timing. It
# fails only when something cannot be built or run, or when onnxruntime's
# output differs from onnxc's on the same input (the check that
# bench/ort_api.h declares the C API correctly).
#
# Environment (all optional):
#   BENCH_DIR          build and results folder (default /tmp/onnxc-bench)
#   BENCH_SECONDS      timed seconds per point and engine, over all its
#                      rounds (default 1)
#   BENCH_ROUNDS       rounds per point (default 5): the engines take turns,
#                      each timed BENCH_SECONDS / BENCH_ROUNDS seconds a
#                      round (at least one run), and every figure is the
#                      median over the rounds; so ratios come from times
#                      taken seconds apart, not minutes, on this VM's
#                      shared CPUs whose speed varies over seconds
#   BENCH_OUT          where to write the report (default BENCHMARKS.md at
#                      the repository root; "-" for nowhere)
#   BENCH_SRC          the onnxc sources to build and measure (default: this
#                      repository's work tree; e.g. a `git archive` of a
#                      commit, to measure it while the tree is being edited)
#   ORT_LIB            libonnxruntime.so.1 (default: the npm package in
#                      tools/oracle/node_modules)
#   BENCH_ALT_CORETYPE OPENBLAS_CORETYPE for the second OpenBLAS run when
#                      the environment sets neither variable (default
#                      Haswell, what such environments pin)
#   BENCH_SUITE        "core" (default: the Gemms, identity, the MLPs,
#                      OpenBLAS, the peak, one process per inference; into
#                      BENCHMARKS.md), "ops" (the operator cases, into
#                      BENCHMARKS_OPS.md), "recurrent" (LSTM, GRU, Loop;
#                      into BENCHMARKS_RECURRENT.md) or "cnn" (the CNNs and
#                      the peak, into BENCHMARKS_CNN.md)
#   BENCH_CASES        only the suite's cases whose names match one of
#                      these space-separated shell patterns, e.g.
#                      "softmax layer_norm*" or "gemm_512"; a run of a
#                      subset prints its tables but writes no report
#                      unless BENCH_OUT names one
#   CC                 compiler for the benchmark tools (default cc)
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ONNXC_SRC=$(cd "${BENCH_SRC:-$SRC}" && pwd)
WORK=${BENCH_DIR:-/tmp/onnxc-bench}
SECS=${BENCH_SECONDS:-1}
ROUNDS=${BENCH_ROUNDS:-5}
SUITE=${BENCH_SUITE:-core}
case $SUITE in
  core) REPORT_NAME=BENCHMARKS.md ;;
  ops) REPORT_NAME=BENCHMARKS_OPS.md ;;
  recurrent) REPORT_NAME=BENCHMARKS_RECURRENT.md ;;
  cnn) REPORT_NAME=BENCHMARKS_CNN.md ;;
  *) printf 'bench/run.sh: BENCH_SUITE must be core, ops, recurrent or cnn, got %s\n' "$SUITE" >&2; exit 2 ;;
esac
# A subset leaves the report alone: its tables would lose the other cases.
if [ -n "${BENCH_CASES:-}" ]; then REPORT=${BENCH_OUT:--}; else
  REPORT=${BENCH_OUT:-$SRC/$REPORT_NAME}; fi
CC=${CC:-cc}
PY=/usr/bin/python3
COMMAND="$0${*:+ $*}"
BUILD=$WORK/build
BIN=$WORK/bin
MODELS=$WORK/models
RES=$WORK/results
START=$(date +%s)

say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 2; }
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive integer, got '$ROUNDS'"

# ------------------------------------------------------------ preflight
# Timings taken while the fuzzers run measure the fuzzers too: say so
# loudly, here and in the report, but measure anyway.
BUSY=""
if pgrep -f fuzz_ >/dev/null 2>&1; then
  BUSY="fuzzers were running (pgrep -f fuzz_): timings are not trustworthy"
  say "WARNING: $BUSY"
fi
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# CPU time the hypervisor gave to other guests (steal, /proc/stat's 8th
# value, in USER_HZ ticks): a run that lost much of it measured the host.
steal_ticks() { awk '/^cpu /{print $9; exit}' /proc/stat 2>/dev/null || echo 0; }
STEAL_BEFORE=$(steal_ticks)

command -v "$PY" >/dev/null || die "needs $PY (with numpy, onnx, torch)"
command -v cmake >/dev/null || die "needs cmake"
# OpenBLAS: the core suite's Gemms only.
if [ "$SUITE" = core ]; then
  pkg-config --exists openblas 2>/dev/null ||
    die "needs OpenBLAS: apt-get install -y libopenblas-dev"
fi
if [ -z "${ORT_LIB:-}" ]; then
  for f in "$SRC"/tools/oracle/node_modules/onnxruntime-node/bin/napi-v*/linux/x64/libonnxruntime.so.1; do
    ORT_LIB=$f
    break
  done
fi
if [ ! -f "${ORT_LIB:-}" ]; then
  die "onnxruntime not found: run 'npm ci' in tools/oracle, or set ORT_LIB"
fi
export ORT_LIB

mkdir -p "$BIN" "$MODELS"
rm -rf "$RES"
mkdir -p "$RES"

# OpenBLAS (the Gemm comparison and the peak) is the one package the
# benchmarks need beyond tools/setup.sh's.
if [ "$SUITE" = core ] || [ "$SUITE" = cnn ] && ! pkg-config --exists openblas; then
  say "installing libopenblas-dev"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends libopenblas-dev >&2 || die "cannot install libopenblas-dev"
fi

# ---------------------------------------------------------------- build
say "building onnxc (Release) from $ONNXC_SRC in $BUILD"
cmake -S "$ONNXC_SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DONNXC_BUILD_TESTS=OFF >"$WORK/cmake.log" 2>&1 ||
  die "cmake configure failed, see $WORK/cmake.log"
cmake --build "$BUILD" -j2 --target onnxc_static onnxc-run \
  >>"$WORK/cmake.log" 2>&1 || die "build failed, see $WORK/cmake.log"
ONNXC_RUN=$BUILD/bin/onnxc-run

CFLAGS=(-std=c11 -O2 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wvla -D_XOPEN_SOURCE=700)
read -ra PROTOBUF_LIBS <<<"$(pkg-config --libs libprotobuf-c)"
# onnxc-bench: through CMake once CMakeLists.txt has its target, by hand
# until then (the same sources either way).
if grep -q 'onnxc-bench' "$ONNXC_SRC/CMakeLists.txt" &&
   cmake --build "$BUILD" -j2 --target onnxc-bench >>"$WORK/cmake.log" 2>&1; then
  ONNXC_BENCH=$BUILD/bin/onnxc-bench
else
  ONNXC_BENCH=$BIN/onnxc-bench
  "$CC" "${CFLAGS[@]}" -I"$ONNXC_SRC/runtime/include" -o "$ONNXC_BENCH" \
    "$SRC/tools/cli/onnxc_bench.c" "$SRC/bench/measure.c" "$BUILD/lib/libonnxc.a" \
    "${PROTOBUF_LIBS[@]}" -lm -lpthread
fi
ORT_SRCS=("$SRC/bench/ort_session.c" "$SRC/bench/ort_api.c" "$SRC/bench/measure.c")
"$CC" "${CFLAGS[@]}" -o "$BIN/ort_bench" "$SRC/bench/ort_bench.c" "${ORT_SRCS[@]}" -ldl -lm
"$CC" "${CFLAGS[@]}" -o "$BIN/ort_once" "$SRC/bench/ort_once.c" "${ORT_SRCS[@]}" -ldl -lm
# blas_bench includes OpenBLAS's cblas.h, which needs _GNU_SOURCE, not
# _XOPEN_SOURCE: its own flags. (It also measures the peak.)
if [ "$SUITE" = core ] || [ "$SUITE" = cnn ]; then
  read -ra BLAS_CFLAGS <<<"$(pkg-config --cflags openblas)"
  read -ra BLAS_LIBS <<<"$(pkg-config --libs openblas)"
  "$CC" -std=c11 -O2 -Wall -Wextra "${BLAS_CFLAGS[@]}" \
    -o "$BIN/blas_bench" "$SRC/bench/blas_bench.c" "${BLAS_LIBS[@]}" -lpthread
fi

# --------------------------------------------------------------- models
say "making models in $MODELS"
"$PY" "$SRC/bench/make_models.py" "$MODELS" >&2
CNNS="resnet18 mobilenet_v2 squeezenet1_1 lenet5"
if [ "$SUITE" = cnn ]; then
  "$PY" "$SRC/tools/gen/export_cnns.py" "$MODELS/cnn" --opsets 13 \
    --models "$(echo $CNNS | tr ' ' ,)" >&2 || die "cannot export the CNNs"
fi

# --------------------------------------------- onnxruntime's declarations
# ort_bench's inputs and outputs, and onnxc-run's outputs on those same
# inputs, must agree: a wrong slot in bench/ort_api.h would not. Checked
# both ways onnxruntime is measured below: by default, and on 2 threads
# with --no-spin (the slot only that option uses).
say "checking onnxruntime against onnxc-run on the reference network"
CHECK=$WORK/ort_check
rm -rf "$CHECK"
mkdir -p "$CHECK/onnxc" "$CHECK/nospin"
REF_MODEL=$SRC/tests/fixtures/reference/mlp_relu/model.onnx
"$BIN/ort_bench" "$REF_MODEL" -b 64 -n 1 --warmup 0 --save "$CHECK" >/dev/null
"$BIN/ort_bench" "$REF_MODEL" -b 64 -t 2 -n 1 --warmup 0 --no-spin \
  --save "$CHECK/nospin" >/dev/null
"$ONNXC_RUN" -q "$REF_MODEL" "$CHECK/input_0.npy" -o "$CHECK/onnxc" \
  --output-format npy >/dev/null
"$PY" - "$CHECK" <<'EOF' || die "onnxruntime and onnxc-run disagree"
import sys, numpy as np
d = sys.argv[1]
x = np.load(d + "/input_0.npy")
onnxc = np.load(d + "/onnxc/output_0.npy")
ok = True
for label, sub in (("ort", ""), ("ort -t 2 --no-spin", "/nospin")):
    ort = np.load(d + sub + "/output_0.npy")
    same = (ort.shape == onnxc.shape
            and np.array_equal(np.load(d + sub + "/input_0.npy"), x))
    agree = same and np.allclose(ort, onnxc, rtol=1e-5, atol=1e-6)
    print("   %s vs onnxc-run: shape %s, max |diff| %s: %s"
          % (label, ort.shape,
             "%.3g" % float(np.abs(ort - onnxc).max()) if same else "n/a",
             "agree" if agree else "DIFFER"), file=sys.stderr)
    ok = ok and agree
sys.exit(0 if ok else 1)
EOF

# ------------------------------------------------------------- the plan
# Cases: name, model, batches, the Gemm layers as N:K (M = batch), and
# the bytes a run reads and writes (the operator cases; their GB/s);
# a square Gemm's M is fixed by its model, its "batch" is 1.
MANIFEST=$RES/manifest.tsv
: >"$MANIFEST"
CASES=()
if [ "$SUITE" = core ]; then
  for s in 64 128 256 512 1024 2048; do
    CASES+=("gemm_$s|gemm_$s.onnx|1|$s:$s:$s|0")
  done
  # identity: one Identity node, no Gemm: each runtime's fixed cost per run.
  CASES+=("identity|identity.onnx|1||0")
  CASES+=("ref_mlp|ref_mlp.onnx|1 64 1024|5:10 3:5|0")
  CASES+=("big_mlp|big_mlp.onnx|1 1024|4096:1024 4096:4096 1024:4096|0")
elif [ "$SUITE" = cnn ]; then
  for m in $CNNS; do CASES+=("$m|cnn/${m}_opset13/model.onnx|1 8||0"); done
elif [ "$SUITE" = recurrent ]; then
  CASES+=("lstm2|lstm2.onnx|1 16||0")
  CASES+=("gru2|gru2.onnx|1 16||0")
  CASES+=("loop_1000|loop_1000.onnx|1||0")
else
  # Bytes: the input read once and the output written once, float32 (the
  # decomposed LayerNorm counts as LayerNormalization does: what the graph
  # must move at the least, not what its nine nodes do move).
  ln=$((64 * 128 * 768 * 4)) rows=$((64 * 128 * 4)) cols=$((64 * 768 * 4))
  big=$(((1 << 24) * 4)) scores=$((768 * 128 * 128 * 4))
  CASES+=("layer_norm|layer_norm.onnx|1||$((2 * ln))")
  CASES+=("layer_norm_decomposed|layer_norm_decomposed.onnx|1||$((2 * ln))")
  CASES+=("softmax|softmax.onnx|1||$((2 * scores))")
  CASES+=("reduce_mean_last|reduce_mean_last.onnx|1||$((ln + rows))")
  CASES+=("reduce_mean_mid|reduce_mean_mid.onnx|1||$((ln + cols))")
  CASES+=("exp|exp.onnx|1||$((2 * big))")
  CASES+=("tanh|tanh.onnx|1||$((2 * big))")
fi
if [ -n "${BENCH_CASES:-}" ]; then
  picked=()
  for c in "${CASES[@]}"; do
    for pat in $BENCH_CASES; do
      # shellcheck disable=SC2053 # the pattern is meant to glob
      if [[ ${c%%|*} == $pat ]]; then picked+=("$c"); break; fi
    done
  done
  [ ${#picked[@]} -gt 0 ] || die "BENCH_CASES '$BENCH_CASES' matches no $SUITE case"
  CASES=("${picked[@]}")
fi

# onnxc's threads: measured at 2 only when onnxc-bench says it can.
ONNXC_THREADS="1"
if "$ONNXC_BENCH" "$MODELS/ref_mlp.onnx" -t 2 -n 1 --warmup 0 --json |
   grep -q '"threads_supported": true'; then
  ONNXC_THREADS="1 2"
fi

# The rounds. This VM's CPUs are shared with other tenants: one loses up
# to 40% of its throughput for a second or two, the second one sometimes
# nearly vanishes, so two engines timed in two windows can differ 2x for
# nothing. Each point is therefore measured in ROUNDS rounds of
# SECS / ROUNDS seconds, the engines taking turns in every round (each
# round starting one engine further on, so none always goes first or
# last), and bench/merge_rounds.py merges an engine's rounds: medians of
# the rounds' figures, which a slow stretch in one round does not move.
RSECS=$("$PY" -c "print($SECS / $ROUNDS)")
# OpenBLAS: half the time per shape, in all, that an engine gets per point.
BLAS_RSECS=$("$PY" -c "print(max(0.2, $SECS / 2) / $ROUNDS)")
ROUND_DIR=$RES/rounds
mkdir -p "$ROUND_DIR"

# Debian's OpenBLAS picks its kernel at load time; OPENBLAS_CORETYPE pins
# one (and OPENBLAS_L2_SIZE its blocking): measured both ways, with both
# unset and as the environment sets them (or, where it sets neither,
# forced), as two engines of every point.
if [ -n "${OPENBLAS_CORETYPE+x}${OPENBLAS_L2_SIZE+x}" ]; then
  BLAS_ALT=env BLAS_ALT_ENV=()
else
  BLAS_ALT=forced BLAS_ALT_ENV=(OPENBLAS_CORETYPE="${BENCH_ALT_CORETYPE:-Haswell}")
fi

# One round of one engine at one point: engine, case, model, batch,
# threads, FLOP per run, the Gemm shapes (MxNxK,...), round number.
round() {
  local engine=$1 name=$2 model=$3 batch=$4 threads=$5 flops=$6 shapes=$7 r=$8
  local out=$ROUND_DIR/${engine}__${name}__b${batch}__t${threads}__r${r}.json
  local tool=$ONNXC_BENCH extra=() blas_env=()
  case $engine in
    onnxc) ;;
    ort) tool=$BIN/ort_bench ;;
    ort-nospin) tool=$BIN/ort_bench extra=(--no-spin) ;;
    blas-unset) blas_env=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE) ;;
    "blas-$BLAS_ALT") blas_env=("${BLAS_ALT_ENV[@]}") ;;
    *) die "round: unknown engine $engine" ;;
  esac
  case $engine in
    blas-*)
      local shape_list
      IFS=, read -ra shape_list <<<"$shapes"
      env "${blas_env[@]}" "$BIN/blas_bench" -t "$threads" -s "$BLAS_RSECS" \
        --json "${shape_list[@]}" >"$out"
      # Merged per shape at the end, over every point's rounds.
      echo "$out" >>"$ROUND_DIR/${engine}__t${threads}.list"
      ;;
    *)
      # 3 warm-up runs, or as many as fit in RSECS: a slow round costs
      # about 2 runs + 2 x RSECS, whatever the kernel's speed.
      local flops_arg=()
      if [ "$flops" -gt 0 ]; then flops_arg=(--flops "$flops"); fi
      "$tool" "$MODELS/$model" -b "$batch" -t "$threads" -s "$RSECS" \
        --warmup 3 "${flops_arg[@]}" "${extra[@]}" --json >"$out"
      ;;
  esac
}

# One point: case, model, batch, threads, FLOP per run, shapes. All its
# engines in ROUNDS rounds, then each engine's rounds merged into the one
# JSON file report.py reads.
point() {
  local name=$1 model=$2 batch=$3 threads=$4 flops=$5 shapes=$6
  local engines=() e r i
  case " $ONNXC_THREADS " in *" $threads "*) engines+=(onnxc) ;; esac
  engines+=(ort)
  # onnxruntime with its workers blocking, not spinning: 2 threads only,
  # as on 1 it has no intra-op workers and the setting changes nothing.
  if [ "$threads" -gt 1 ]; then engines+=(ort-nospin); fi
  if [ -n "$shapes" ]; then engines+=(blas-unset "blas-$BLAS_ALT"); fi
  for ((r = 1; r <= ROUNDS; r++)); do
    say "$name batch $batch threads $threads: round $r of $ROUNDS (${engines[*]})"
    for ((i = 0; i < ${#engines[@]}; i++)); do
      e=${engines[(i + r - 1) % ${#engines[@]}]}
      round "$e" "$name" "$model" "$batch" "$threads" "$flops" "$shapes" "$r"
    done
  done
  for e in "${engines[@]}"; do
    case $e in blas-*) continue ;; esac
    local out=$RES/${e}__${name}__b${batch}__t${threads}.json files=()
    for ((r = 1; r <= ROUNDS; r++)); do
      files+=("$ROUND_DIR/${e}__${name}__b${batch}__t${threads}__r${r}.json")
    done
    "$PY" "$SRC/bench/merge_rounds.py" point "$out" "${files[@]}" ||
      die "cannot merge the rounds of $e $name batch $batch threads $threads"
    printf '%s\t%s\t%s\t%s\t%s\n' "$e" "$name" "$batch" "$threads" \
      "$out" >>"$MANIFEST"
  done
}

for c in "${CASES[@]}"; do
  IFS='|' read -r name model batches layers bytes <<<"$c"
  for b in $batches; do
    flops=0
    shapes=""
    for l in $layers; do
      IFS=: read -r n k m <<<"$l"
      m=${m:-$b}   # square cases give M; layers take the batch
      flops=$((flops + 2 * m * n * k))
      shapes="$shapes${shapes:+,}${m}x${n}x${k}"
    done
    if [ "$SUITE" = cnn ]; then
      # The arithmetic of the Convs and Gemms at batch 1 (data set 0),
      # times the batch: every one of them is linear in it.
      dir=$MODELS/${model%/model.onnx}
      "$ONNXC_RUN" -q --rtol 1e-3 --atol 1e-4 --profile 1 \
        --profile-json "$RES/$name.flops.json" \
        -d "$dir/test_data_set_0" "$dir/model.onnx" >/dev/null ||
        die "onnxc-run cannot profile $name"
      flops=$("$PY" -c 'import json, sys; print(int(sum(n["flops"] for n in
        json.load(open(sys.argv[1]))["nodes"])) * int(sys.argv[2]))' \
        "$RES/$name.flops.json" "$b")
    fi
    printf 'case\t%s\t%s\t%s\t%s\t%s\n' "$name" "$b" "$flops" "$shapes" \
      "$bytes" >>"$MANIFEST"
    for t in 1 2; do point "$name" "$model" "$b" "$t" "$flops" "$shapes"; done
  done
done

# OpenBLAS's rounds, merged per shape for each variant and thread count
# (none when no case had a Gemm).
for v in unset "$BLAS_ALT"; do
  for t in 1 2; do
    [ -f "$ROUND_DIR/blas-${v}__t${t}.list" ] || continue
    out=$RES/blas__${v}__t${t}.json
    mapfile -t blas_rounds <"$ROUND_DIR/blas-${v}__t${t}.list"
    "$PY" "$SRC/bench/merge_rounds.py" blas "$out" "${blas_rounds[@]}" ||
      die "cannot merge OpenBLAS's rounds ($v, $t threads)"
    printf 'blas\t%s\t%s\t%s\n' "$v" "$t" "$out" >>"$MANIFEST"
  done
done

# The peak (core and cnn suites) and one process per inference (core).
ONCE_TOOL=""
if [ "$SUITE" = core ] || [ "$SUITE" = cnn ]; then
say "FMA peak"
"$BIN/blas_bench" --peak -t 2 --json >"$RES/peak.json"
printf 'peak\t-\t-\t2\t%s\n' "$RES/peak.json" >>"$MANIFEST"
fi
if [ "$SUITE" = core ]; then
# ----------------------------------------- one process per inference
# Everything from exec to exit: loading the library and the model,
# creating the session, one run at batch 1, tearing down.
say "one process per inference"
ONCE_INPUT=$SRC/tests/fixtures/reference/mlp_relu/test_data_set_0/input_0.pb
ONCE_ONNXC="$ONNXC_RUN -q $REF_MODEL $ONCE_INPUT"
ONCE_ORT="$BIN/ort_once $REF_MODEL --ort-lib $ORT_LIB"
if command -v hyperfine >/dev/null; then
  ONCE_TOOL="hyperfine $(hyperfine --version | cut -d' ' -f2)"
  hyperfine -N --warmup 5 --min-runs 30 --max-runs 300 \
    --export-json "$RES/once.json" "$ONCE_ONNXC" "$ONCE_ORT" >/dev/null 2>&1 ||
    hyperfine --warmup 5 --min-runs 30 --max-runs 300 \
      --export-json "$RES/once.json" "$ONCE_ONNXC" "$ONCE_ORT" >/dev/null
else
  # No hyperfine: 50 fork/execs of each, each timed on its own.
  ONCE_TOOL="a fork/exec loop (no hyperfine)"
  "$PY" - "$RES/once.json" "$ONCE_ONNXC" "$ONCE_ORT" <<'EOF'
import json, subprocess, sys, time
results = []
for cmd in sys.argv[2:]:
    argv = cmd.split()
    for _ in range(5):
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(50):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    times.sort()
    results.append({"command": cmd, "mean": sum(times) / len(times),
                    "median": times[len(times) // 2], "min": times[0],
                    "times": times})
json.dump({"results": results}, open(sys.argv[1], "w"))
EOF
fi
printf 'once\t-\t-\t1\t%s\n' "$RES/once.json" >>"$MANIFEST"
fi

# --------------------------------------------------------------- report
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
STEAL=$(awk -v a="$STEAL_BEFORE" -v b="$(steal_ticks)" -v hz="$(getconf CLK_TCK)" \
  'BEGIN { printf "%.2f", (b - a) / hz }')
if [ -z "$BUSY" ] && pgrep -f fuzz_ >/dev/null 2>&1; then
  BUSY="fuzzers started during the run (pgrep -f fuzz_): timings are not trustworthy"
fi
ELAPSED=$(( $(date +%s) - START ))
TABLES=$("$PY" "$SRC/bench/report.py" "$MANIFEST")

cpu_model=$(lscpu | sed -n 's/^Model name: *//p' | head -n1)
cpu_family=$(lscpu | sed -n 's/^CPU family: *//p' | head -n1)
cpu_modelno=$(lscpu | sed -n 's/^Model: *//p' | head -n1)
cpu_count=$(nproc)
caches=$(lscpu | sed -n 's/^\(L[123][di]* cache\): *\(.*\)/\1 \2/p' | paste -sd ';' | sed 's/;/; /g')
simd=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' |
  grep -E '^(sse4_2|avx|avx2|fma|f16c|avx512[a-z0-9_]*|amx[a-z0-9_]*|avx_vnni)$' |
  paste -sd ' ')
hypervisor=$(lscpu | sed -n 's/^Hypervisor vendor: *//p' | head -n1)
cc_version=$($CC --version | head -n1)
cmake_cc=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
cmake_flags=$(sed -n 's/^CMAKE_C_FLAGS_RELEASE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
if [ -e "$ONNXC_SRC/.git" ]; then
  source_desc="commit $(git -C "$ONNXC_SRC" rev-parse --short HEAD)"
  dirty=$(git -C "$ONNXC_SRC" --no-optional-locks status --porcelain -- runtime ops onnx CMakeLists.txt | wc -l)
  if [ "$dirty" -gt 0 ]; then
    source_desc="$source_desc plus $dirty uncommitted files in runtime/ ops/ onnx/ CMakeLists.txt"
  fi
else
  source_desc="the sources in $ONNXC_SRC (not a git checkout)"
fi
ort_version=$(grep -h -o '"version": "[^"]*"' "$RES"/ort__*.json | head -n1 | cut -d'"' -f4)
envs=""
for v in OPENBLAS_CORETYPE OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS OMP_NUM_THREADS; do
  envs="$envs${envs:+, }$v=${!v-(unset)}"
done

{
  case $SUITE in
    core) echo "# Benchmarks" ;;
    ops) echo "# Benchmarks: operators" ;;
    recurrent) echo "# Benchmarks: recurrent nets and Loop" ;;
    cnn) echo "# Benchmarks: convolutional networks" ;;
  esac
  echo
  echo "Written by \`bench/run.sh\`; every figure below comes from the run described here."
  echo
  if [ -n "$BUSY" ]; then echo "**WARNING: $BUSY.**"; echo; fi
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), ${ELAPSED} s for the whole run"
  echo "- machine: $cpu_model (family $cpu_family, model $cpu_modelno), $cpu_count CPUs${hypervisor:+, under $hypervisor}; $caches"
  echo "- SIMD flags: $simd"
  echo "- load average (1/5/15 min): before $LOAD_BEFORE, after $LOAD_AFTER"
  echo "- CPU time stolen by the hypervisor during the run: $STEAL s (of ${ELAPSED} s on $cpu_count CPUs)"
  echo "- onnxc: $source_desc, built by CMake Release: $cmake_cc $cmake_flags; $cc_version"
  echo "- onnxruntime: $ort_version, $ORT_LIB"
  if [ -f "$RES/blas__unset__t1.json" ]; then
    echo "- OpenBLAS: $(grep -h -o '"config": "[^"]*"' "$RES"/blas__unset__t1.json | cut -d'"' -f4)"
  fi
  echo "- command: \`$COMMAND\` with BENCH_SUITE=$SUITE${BENCH_CASES:+, BENCH_CASES=\"$BENCH_CASES\"}, BENCH_SECONDS=$SECS (timed seconds per point and engine) in BENCH_ROUNDS=$ROUNDS rounds${BENCH_SRC:+ and BENCH_SRC=$BENCH_SRC}"
  echo "- environment: $envs"
  if [ -n "$ONCE_TOOL" ]; then echo "- one process per inference timed with $ONCE_TOOL"; fi
  echo
  echo "$TABLES"
} >"$WORK/BENCHMARKS.md"

cat "$WORK/BENCHMARKS.md"
if [ "$REPORT" != "-" ]; then
  cp "$WORK/BENCHMARKS.md" "$REPORT"
  say "wrote $REPORT"
fi
