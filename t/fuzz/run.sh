#!/bin/sh
# Runs each fuzz target for SECONDS with the seeds and the dictionary, then
# prints one line per target with its executions: sh t/fuzz/run.sh BUILD SECONDS
# Exits non-zero when a target finds a crash (the input is in BUILD/fuzz).

B=$1
S=$2
rc=0

export AUTHGW_FUZZ_KEYS="$B/keys"

for t in token keys jwe b64 diff render cache; do
    mkdir -p "$B/fuzz/corpus/$t"
    "$B/fuzz/fuzz_$t" -max_total_time="$S" -print_final_stats=1 \
        -dict=t/fuzz/jose.dict -artifact_prefix="$B/fuzz/crash-$t-" \
        "$B/fuzz/corpus/$t" "$B/fuzz/seeds/$t" > "$B/fuzz/$t.log" 2>&1
    r=$?
    execs=$(grep -ao 'stat::number_of_executed_units: [0-9]*' "$B/fuzz/$t.log" \
            | grep -o '[0-9]*$')
    rate=$(grep -ao 'exec/s: [0-9]*' "$B/fuzz/$t.log" | tail -1 \
           | grep -o '[0-9]*$')
    if [ $r -eq 0 ]; then
        echo "fuzz_$t: ${execs:-0} executions in ${S}s (${rate:-?}/s), no crash"
    else
        echo "fuzz_$t: FAILED after ${execs:-?} executions, see $B/fuzz/$t.log"
        grep -a -m5 'ERROR\|SUMMARY\|abort\|diff:' "$B/fuzz/$t.log"
        rc=1
    fi
    grep -a '^diff:' "$B/fuzz/$t.log"
done

exit $rc
