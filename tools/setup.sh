#!/bin/sh
# setup.sh - on Debian 12: install what onnxc needs, build it into build/,
# and run the reference model (a PyTorch export of Linear -> ReLU -> Linear).
# Also installs onnxruntime (npm package onnxruntime-node, pinned by
# tools/oracle/package-lock.json), the oracle the tests compare against.
#
#   tools/setup.sh            (as root, or a user with sudo)
#   ONNXC_SKIP_APT=1 tools/setup.sh    build only, packages already there
set -eu
cd "$(dirname "$0")/.."

# Build tools and libraries; the ONNX test data; Debian's torch and onnx for
# the fixture exporter and the test generators; clang, its sanitizer and
# libFuzzer runtime, and valgrind for the hardening suites.
PACKAGES="build-essential cmake pkg-config protobuf-c-compiler libprotobuf-c-dev
 libonnx-dev libcriterion-dev libonnx-testdata python3 python3-numpy
 python3-onnx python3-torch python3-torchvision clang libclang-rt-14-dev valgrind"

if [ "${ONNXC_SKIP_APT:-0}" != 1 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends $PACKAGES
fi

# The oracle: npm's onnxruntime-node bundles its CPU library. Its install
# script would fetch optional GPU files from a host outside the registry,
# so it is skipped.
if ! command -v npm >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends nodejs npm
fi
stamp=tools/oracle/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ tools/oracle/package-lock.json -nt "$stamp" ]; then
    (cd tools/oracle && ONNXRUNTIME_NODE_INSTALL=skip npm ci --ignore-scripts \
        --no-audit --no-fund)
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DONNXC_WERROR=ON
cmake --build build -j"$(nproc)"

echo "--- the reference model, batch 1:"
build/bin/onnxc-run --stats tests/fixtures/reference/mlp_relu/model.onnx \
    tests/fixtures/reference/mlp_relu/test_data_set_0/input_0.pb
