#!/bin/sh
# check_install.sh BUILD_DIR SOURCE_DIR WORK: `cmake --install` gives a
# usable library: the C API example builds against the installed copy with
# pkg-config (shared and static) and with find_package(onnxc), and runs.
set -eu
build=$1; src=$2; work=$3
model=$src/tests/fixtures/reference/mlp_relu/model.onnx
rm -rf "$work"; mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
pcdir=$(dirname "$(find "$prefix" -name onnxc.pc | head -n 1)")
libdir=$(dirname "$pcdir")
export PKG_CONFIG_PATH=$pcdir

echo "pkg-config: $(pkg-config --cflags --libs onnxc)"
cc -std=c11 -Wall -Wextra -Werror -o "$work/embed_shared" "$src/examples/embed.c" \
    $(pkg-config --cflags --libs onnxc)
LD_LIBRARY_PATH=$libdir "$work/embed_shared" "$model"

cc -std=c11 -Wall -Wextra -Werror -DONNXC_STATIC_BUILD -o "$work/embed_static" \
    "$src/examples/embed.c" $(pkg-config --cflags onnxc) \
    "$libdir/libonnxc.a" $(pkg-config --libs-only-l --static libprotobuf-c) -lm
"$work/embed_static" "$model"

mkdir -p "$work/consumer"
cat > "$work/consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(onnxc REQUIRED)
add_executable(embed $src/examples/embed.c)
target_link_libraries(embed PRIVATE onnxc::onnxc)
CMAKE
cmake -S "$work/consumer" -B "$work/consumer/build" \
    -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer/build" >/dev/null
LD_LIBRARY_PATH=$libdir "$work/consumer/build/embed" "$model"
echo "installed library works with pkg-config and find_package"
