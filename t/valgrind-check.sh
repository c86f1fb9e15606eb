#!/bin/sh
# Reads the valgrind report that t/Nginx.pm collected for the runner and
# t/Server.pm (one section per nginx process, master or worker, named after
# its suite, the runner's block and its log) and fails on any memcheck
# error: an invalid read or write, use of uninitialised memory, an invalid
# free, or a definite leak that t/valgrind.suppress does not name.

report=$1

if [ ! -s "$report" ]; then
    echo "valgrind: no report in $report"
    exit 1
fi

blocks=$(grep -c '^=== ' "$report")
errors=$(grep -c 'Invalid read\|Invalid write\|uninitialised\|Invalid free\|definitely lost\|Mismatched free' "$report")

echo "valgrind: $blocks nginx processes run under memcheck, $errors errors"

if [ "$errors" -ne 0 ]; then
    grep -B2 -A20 'Invalid read\|Invalid write\|uninitialised\|Invalid free\|definitely lost\|Mismatched free' "$report" | head -80
    exit 1
fi
