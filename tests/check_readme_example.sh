#!/bin/sh
# check_readme_example.sh SOURCE_DIR BUILD_DIR WORK: the C program in the
# README (the code block after the readme-example marker) compiles against
# the library with warnings as errors, runs on the reference model, and
# prints what the CLI computes for the same input.
set -eu
src=$1; build=$2; work=$3
mkdir -p "$work"
awk '/readme-example/ {found=1; next}
     found && /^```c/ {inside=1; next}
     inside && /^```/ {exit}
     inside {print}' "$src/README.md" > "$work/readme_example.c"
[ -s "$work/readme_example.c" ] || { echo "no example found in README.md"; exit 1; }
cc -std=c11 -Wall -Wextra -Werror -DONNXC_STATIC_BUILD -I "$src/runtime/include" \
    -o "$work/readme_example" "$work/readme_example.c" \
    "$build/lib/libonnxc.a" -lprotobuf-c -lm
"$work/readme_example" "$src/tests/fixtures/reference/mlp_relu/model.onnx" | tee "$work/out.txt"
grep -q '^y = \[' "$work/out.txt"
