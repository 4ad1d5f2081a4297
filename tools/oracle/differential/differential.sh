#!/bin/sh
# differential.sh ONNXC_RUN WORKDIR [--seed S] [--cases N] [--keep-cases]
#                 [run.js options...]
#
# Generates the differential cases (default seed 1, 7000 cases) into
# WORKDIR/cases, runs each through onnxc-run and onnxruntime (run.js), and
# passes run.js's exit status through: 0 all passed, 1 some failed, 2 bad
# usage. Failing cases are copied to WORKDIR/failures with the command lines
# that replay them. The cases themselves are deleted afterwards (the seed
# rebuilds them) unless --keep-cases. Exit 77 (ctest's SKIP_RETURN_CODE)
# when a prerequisite is missing: Debian's python3 with onnx and numpy,
# node, or the onnxruntime-node oracle (tools/setup.sh installs it).
#
# PYTHON and NODE override the interpreters.
set -eu

usage() {
    echo "usage: $0 ONNXC_RUN WORKDIR [--seed S] [--cases N] [--keep-cases] [run.js options]" >&2
    exit 2
}

[ $# -ge 2 ] || usage
onnxc=$1
work=$2
shift 2
seed=1
cases=7000
keep_cases=no
while [ $# -gt 0 ]; do
    case $1 in
        --seed) [ $# -ge 2 ] || usage; seed=$2; shift 2 ;;
        --cases) [ $# -ge 2 ] || usage; cases=$2; shift 2 ;;
        --keep-cases) keep_cases=yes; shift ;;
        *) break ;;    # the rest goes to run.js
    esac
done

here=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
NODE=${NODE:-/usr/bin/node}

skip() {
    echo "differential.sh: skipped: $1"
    exit 77
}
"$PYTHON" -c 'import onnx, numpy' 2>/dev/null || skip "$PYTHON cannot import onnx and numpy"
command -v "$NODE" >/dev/null 2>&1 || skip "no node at $NODE"
[ -d "$here/../node_modules/onnxruntime-node" ] ||
    skip "onnxruntime-node is not installed in tools/oracle (see tools/setup.sh)"
[ -x "$onnxc" ] || { echo "differential.sh: $onnxc is not an executable" >&2; exit 2; }

rm -rf "$work/cases" "$work/failures"
mkdir -p "$work"
"$PYTHON" "$here/generate.py" --seed "$seed" --cases "$cases" --out "$work/cases" || exit 2
status=0
"$NODE" "$here/run.js" "$work/cases" --onnxc "$onnxc" --keep-failures "$work/failures" "$@" ||
    status=$?
[ "$keep_cases" = yes ] || rm -rf "$work/cases"
exit $status
