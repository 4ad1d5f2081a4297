#!/bin/sh
# Rewrites the operator table of README.md (between the operators:begin and
# operators:end markers) from `onnxc-run --operators`, or with --check only
# says whether it is up to date (exit 1 when it is not).
#
# Usage: tools/check/update_readme_operators.sh ONNXC_RUN README [--check]
set -eu
run=$1
readme=$2
mode=${3:-}
tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.table"' EXIT
"$run" --operators >"$tmp.table"
awk -v table="$tmp.table" '
    /<!-- operators:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- operators:end -->/ { skip = 0 }
    !skip { print }
' "$readme" >"$tmp"
if ! grep -q '<!-- operators:end -->' "$readme"; then
    echo "update_readme_operators: $readme has no operators:end marker" >&2
    exit 2
fi
if [ "$mode" = "--check" ]; then
    if cmp -s "$tmp" "$readme"; then
        echo "README operator table matches the registry"
        exit 0
    fi
    echo "README operator table is out of date; run: tools/check/update_readme_operators.sh $run $readme" >&2
    diff "$readme" "$tmp" >&2 || true
    exit 1
fi
cp "$tmp" "$readme"
