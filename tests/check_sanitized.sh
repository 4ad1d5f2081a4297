#!/bin/sh
# check_sanitized.sh SOURCE_DIR WORK: builds everything with AddressSanitizer
# and UBSan (any report aborts the process) and runs the whole fast test
# suite there: unit tests, CLI, fixtures, the full conformance sweep.
set -eu
src=$1; work=$2
cmake -S "$src" -B "$work" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONNXC_SANITIZE=ON \
    -DONNXC_WERROR=ON >/dev/null
cmake --build "$work" -j"$(nproc)" >/dev/null
# detect_leaks: LeakSanitizer fails a test that leaks. The interposing
# allocator test cannot run under ASan, which owns malloc.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "--- with the fast Gemm kernels and fusion (the defaults)"
ctest --test-dir "$work" --output-on-failure -LE slow -E 'unit/test_noalloc|install/'
# The conformance sweep once more with each other kernel set, optimizations
# off with the plain loops, so that every path meets every official model
# under the sanitizers. (The unit tests choose their kernels themselves.)
data=/usr/share/libonnx-testdata/data
if [ -d "$data" ]; then
    for flags in "--kernels reference --optimize none" "--kernels portable"; do
        echo "--- conformance sweep with onnxc-run $flags"
        args=""
        for f in $flags; do args="$args --runner-arg=$f"; done
        # shellcheck disable=SC2086
        python3 "$src/tools/check/conformance.py" --runner "$work/bin/onnxc-run" \
            $args --data "$data" --require "$src/tests/conformance_required.txt" \
            --declined "$src/tests/conformance_declined.txt"
    done
fi
