#!/bin/sh
# fuzz.sh TARGET SECONDS [WORKDIR] - a libFuzzer campaign on one target
# (fuzz_model, fuzz_tensor or fuzz_npy), built with clang, ASan and UBSan
# into build-fuzz/ (or $ONNXC_FUZZ_BUILD). Seeds come from the official ONNX
# test data, the project's fixtures, the regression inputs of earlier
# crashes and the minimized corpus of earlier campaigns (tests/fuzz/corpus;
# refresh it with libFuzzer's -merge=1 after a long campaign). Crashes
# land in WORKDIR/crashes; a found crash makes the exit status non-zero.
# The last line says what ran: executions, seconds, crashes.
set -eu
target=$1; seconds=$2
cd "$(dirname "$0")/../.."
root=$(pwd)
fuzz_build=${ONNXC_FUZZ_BUILD:-$root/build-fuzz}
work=${3:-$fuzz_build/campaign-$target}
data=/usr/share/libonnx-testdata/data

cmake -S . -B "$fuzz_build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DONNXC_FUZZ=ON -DONNXC_BUILD_TESTS=OFF >/dev/null
cmake --build "$fuzz_build" -j"$(nproc)" --target "$target" >/dev/null

corpus=$work/corpus; seeds=$work/seeds
mkdir -p "$corpus" "$seeds" "$work/crashes"
regressions=$root/tests/fuzz/regressions/$target
case $target in
fuzz_model)
    for f in "$data"/*/*/model.onnx "$root"/tests/fixtures/*/*/model.onnx \
             "$root"/tests/fixtures/*/*.onnx; do
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -lt 262144 ] &&
            cp "$f" "$seeds/$(echo "$f" | md5sum | cut -c1-16).onnx"
    done ;;
fuzz_tensor)
    for f in "$data"/node/*/test_data_set_0/*.pb "$root"/tests/fixtures/*/*/*/*.pb \
             "$root"/tests/fixtures/*/*.pb; do
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -lt 65536 ] &&
            cp "$f" "$seeds/$(echo "$f" | md5sum | cut -c1-16).pb"
    done ;;
fuzz_npy)
    for f in "$root"/tests/fixtures/npy/*.npy; do
        [ -f "$f" ] && cp "$f" "$seeds/"
    done ;;
*) echo "fuzz.sh: unknown target $target" >&2; exit 2 ;;
esac
[ -d "$regressions" ] && cp "$regressions"/* "$seeds/" 2>/dev/null || true
# The minimized corpus of earlier campaigns: CI starts where they ended.
[ -d "$root/tests/fuzz/corpus/$target" ] &&
    cp "$root/tests/fuzz/corpus/$target"/* "$seeds/" 2>/dev/null || true

log=$work/fuzz.log
status=0
"$fuzz_build/bin/$target" "$corpus" "$seeds" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=4096 -max_len=1048576 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" >"$log" 2>&1 || status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
crashes=$(find "$work/crashes" -type f | wc -l)
tail -n 5 "$log"
echo "$target: ${execs:-0} executions in $seconds s, $crashes crashes (exit $status), corpus $(ls "$corpus" | wc -l) files"
[ "$status" -eq 0 ] && [ "$crashes" -eq 0 ]
