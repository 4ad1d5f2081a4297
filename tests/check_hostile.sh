#!/bin/sh
# check_hostile.sh ONNXC_RUN SOURCE_DIR [--valgrind]
#
# Runs every case of tests/hostile_expected.txt from SOURCE_DIR: each must
# exit 2 (not die by a signal, not hang), print exactly one line on stderr,
# and that line must match the case's regex. With --valgrind each run is
# under memcheck, and any report (an invalid access, a leak that is
# definite, indirect or possible) fails the case.
#
# Also regenerates the corpus with tools/gen/make_hostile.py into a temporary
# folder and compares it with tests/fixtures/hostile, so that fixtures are
# never edited by hand; ONNXC_PYTHON names the Python with onnx
# (default /usr/bin/python3).
#
# Prints one PASS/FAIL line per case and, last, "N passed, M failed".
# Exits 1 when anything failed.

usage() {
    echo "usage: check_hostile.sh ONNXC_RUN SOURCE_DIR [--valgrind]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
run=$1
src=$2
valgrind=
case "${3-}" in
    "") ;;
    --valgrind) valgrind=yes ;;
    *) usage ;;
esac

# Cases run from the source tree so that messages show short paths; the
# binary may have been given relative to where we were.
case "$run" in
    /*) ;;
    *) run=$(pwd)/$run ;;
esac
cd "$src" || exit 2
[ -x "$run" ] || { echo "check_hostile.sh: $run is not executable" >&2; exit 2; }
if [ -n "$valgrind" ] && ! command -v valgrind >/dev/null; then
    echo "check_hostile.sh: --valgrind needs valgrind on PATH" >&2
    exit 2
fi

manifest=tests/hostile_expected.txt
corpus=tests/fixtures/hostile
ref=tests/fixtures/reference/mlp_relu/model.onnx
python=${ONNXC_PYTHON:-/usr/bin/python3}
tab=$(printf '\t')

# A case that hangs fails instead of stalling ctest; valgrind is slow.
if [ -n "$valgrind" ]; then limit=300; else limit=30; fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

# ------------------------------------------------------------- the cases
while IFS=$tab read -r path args regex; do
    case "$path" in ""|"#"*) continue ;; esac
    if [ -z "$regex" ]; then
        fail "$path" "manifest line has no regex (fields are TAB-separated)"
        continue
    fi
    if [ ! -e "$path" ] && [ ! -L "$path" ]; then
        fail "$path" "no such case; regenerate the corpus"
        continue
    fi
    case "$args" in
        model) args="{case}" ;;
        input) args="{ref} {case}" ;;
        data-set) args="-d {case} {ref}" ;;
    esac
    # Paths hold no spaces or '|': substitute, then split on spaces
    # without globbing.
    args=$(printf '%s\n' "$args" | sed "s|{case}|$path|g; s|{ref}|$ref|g")
    set -f
    # shellcheck disable=SC2086
    set -- $args
    set +f
    if [ -n "$valgrind" ]; then
        set -- valgrind -q --leak-check=full \
            --errors-for-leak-kinds=definite,indirect,possible \
            --error-exitcode=99 --log-file="$tmp/valgrind" "$run" "$@"
    else
        set -- "$run" "$@"
    fi
    rm -f "$tmp/valgrind"
    timeout -k 5 "$limit" "$@" </dev/null >/dev/null 2>"$tmp/stderr"
    rc=$?
    # awk counts a last line without a newline too; wc -l would not.
    lines=$(awk 'END { print NR }' "$tmp/stderr")
    first=$(head -n 1 "$tmp/stderr")
    if [ "$rc" -eq 124 ]; then
        fail "$path" "no answer within ${limit}s"
    elif [ "$rc" -eq 99 ] || [ -s "$tmp/valgrind" ]; then
        fail "$path" "valgrind report: $(head -n 3 "$tmp/valgrind" | tr '\n' ' ')"
    elif [ "$rc" -gt 128 ]; then
        fail "$path" "killed by signal $((rc - 128)) (exit status $rc)"
    elif [ "$rc" -ne 2 ]; then
        fail "$path" "exit $rc, not 2: $first"
    elif [ "$lines" -ne 1 ]; then
        fail "$path" "$lines lines on stderr, not 1: $(tr '\n' '|' <"$tmp/stderr")"
    elif ! grep -Eq -e "$regex" "$tmp/stderr"; then
        fail "$path" "'$first' does not match /$regex/"
    else
        pass "$path"
    fi
done <"$manifest"

# Every case in the corpus is in the manifest: a case nobody checks is a
# case that silently stops testing anything. _outside/ holds files the
# escaping cases point at.
for entry in "$corpus"/* "$corpus"/.[!.]*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    case "${entry##*/}" in README.txt|_outside) continue ;; esac
    if ! awk -F "$tab" -v e="$entry" '$1 == e || index($1, e "/") == 1 { found = 1 }
                                      END { exit !found }' "$manifest"; then
        fail "$entry" "in the corpus but not in $manifest"
    fi
done

# ------------------------------------------------ the corpus is current
if "$python" -c "import onnx" 2>/dev/null; then
    if ! "$python" tools/gen/make_hostile.py "$tmp/corpus" >"$tmp/gen.log" 2>&1; then
        fail "corpus_up_to_date" "tools/gen/make_hostile.py failed: $(tail -n 1 "$tmp/gen.log")"
    # --no-dereference: compare symlinks as links (one points at /dev/zero).
    elif ! diff -rq --no-dereference "$corpus" "$tmp/corpus" >"$tmp/diff" 2>&1; then
        fail "corpus_up_to_date" "$corpus differs from what tools/gen/make_hostile.py writes ($(head -n 2 "$tmp/diff" | tr '\n' ' ')); regenerate it with: $python tools/gen/make_hostile.py $corpus --replace"
    else
        pass "corpus_up_to_date"
    fi
else
    echo "SKIP corpus_up_to_date: $python cannot import onnx"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
