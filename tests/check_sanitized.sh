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
# Once more with the plain reference loop and no fusion, so that the
# portable path passes every test too. test_api checks fusion itself.
echo "--- with ONNXC_GEMM=reference ONNXC_FUSE=0"
ONNXC_GEMM=reference ONNXC_FUSE=0 ctest --test-dir "$work" --output-on-failure \
    -LE slow -E 'unit/test_noalloc|install/|unit/test_api'
