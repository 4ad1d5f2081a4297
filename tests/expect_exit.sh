#!/bin/sh
# expect_exit.sh CODE REGEX -- COMMAND...
# Passes when COMMAND exits with CODE, was not killed by a signal, and, for
# CODE 2, printed exactly one line on stderr matching REGEX (grep -E).
code=$1; regex=$2; shift 2
[ "$1" = "--" ] && shift
err=$(mktemp); trap 'rm -f "$err"' EXIT
"$@" >/dev/null 2>"$err"
rc=$?
if [ "$rc" -ne "$code" ]; then
    echo "expected exit $code, got $rc: $*"; cat "$err"; exit 1
fi
if [ "$code" -eq 2 ]; then
    lines=$(wc -l < "$err")
    if [ "$lines" -ne 1 ]; then
        echo "expected one line on stderr, got $lines:"; cat "$err"; exit 1
    fi
    if ! grep -Eq -- "$regex" "$err"; then
        echo "stderr does not match /$regex/:"; cat "$err"; exit 1
    fi
fi
cat "$err"
exit 0
