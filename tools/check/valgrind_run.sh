#!/bin/sh
# valgrind_run.sh ARGS... - onnxc-run under valgrind memcheck: any invalid
# access or leak makes the exit status 99, so a sweep counts it as a failure.
# ONNXC_RUN names the binary (default: build/bin/onnxc-run).
here=$(dirname "$0")
exec valgrind -q --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect,possible \
    "${ONNXC_RUN:-$here/../../build/bin/onnxc-run}" "$@"
