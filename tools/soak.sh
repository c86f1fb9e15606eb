#!/bin/sh
# make soak: a bounded soak with faults, on 127.0.0.1 only.
#
#   sh tools/soak.sh BUILD_DIR NGINX_BINARY [SECONDS]
#
# wrk drives valid, expired, forged and unknown-kid tokens through a
# gateway with two workers while the signing keys rotate (a new kid added
# with nginx -s reload, tokens switched to it, the old kid removed with
# another reload, and plain reloads in between), and one worker is killed
# halfway. It prints and asserts: zero 5xx, every valid token accepted and
# every other refused (each response checked), no worker exit on a signal
# but the one it sent, and worker memory after warm-up and at the end.

set -u

B=$1
NGINX=$2
DURATION=${3:-120}
T=$B/authgw-token
D=$B/soak
K=$D/keys
PORT=18580
BACKEND=18581
CYCLE=12

if [ -f "$D/logs/nginx.pid" ]; then
    kill -QUIT "$(cat "$D/logs/nginx.pid")" 2>/dev/null
    sleep 0.5
fi

rm -rf "$D"
mkdir -p "$K" "$D/conf" "$D/logs" "$D/tmp"

# keys: one EC key per rotation phase, a user-id key, an attacker's key
phases=$((DURATION / CYCLE + 2))
for p in $(seq 1 "$phases"); do
    $T keygen --type ec --crv P-256 --out "$K/k$p.pem" --pub "$K/k$p.jwk" \
        --format jwk --kid "k$p"
done
$T keygen --type oct --size 32 --out "$K/uid.key"
$T keygen --type ec --crv P-256 --out "$K/attacker.pem"

# tokens of each phase: valid ones of 16 users, and three kinds of invalid
for p in $(seq 1 "$phases"); do
    f=$D/tokens-$p.txt
    : > "$f"
    for u in $(seq 1 16); do
        echo "valid $($T sign --alg ES256 --key "$K/k$p.pem" --kid "k$p" \
            --exp-in 3600 --claim sub=user$u --user-id "u-$u" \
            --user-id-key "$K/uid.key")" >> "$f"
    done
    for u in 1 2 3 4; do
        echo "expired $($T sign --alg ES256 --key "$K/k$p.pem" --kid "k$p" \
            --exp-in -60 --user-id "u-$u" --user-id-key "$K/uid.key")" >> "$f"
        echo "forged $($T sign --alg ES256 --key "$K/attacker.pem" \
            --kid "k$p" --exp-in 3600 --user-id "u-$u" \
            --user-id-key "$K/uid.key")" >> "$f"
        echo "unknownkid $($T sign --alg ES256 --key "$K/k$p.pem" \
            --kid "zz$u" --exp-in 3600 --user-id "u-$u" \
            --user-id-key "$K/uid.key")" >> "$f"
    done
done

echo 1 > "$D/phase"
$T jwks "$K/k1.jwk" > "$K/jwks.json"

sed -e "s|@B@|$B|g" -e "s|@D@|$D|g" -e "s|@K@|$K|g" -e "s|@PORT@|$PORT|g" \
    -e "s|@BACKEND@|$BACKEND|g" tools/soak.conf > "$D/conf/nginx.conf"

"$NGINX" -p "$D/" -c "$D/conf/nginx.conf" -t -q || exit 1
"$NGINX" -p "$D/" -c "$D/conf/nginx.conf" || exit 1
sleep 0.5
MASTER=$(cat "$D/logs/nginx.pid")

rss() {
    ps -o rss= --ppid "$MASTER" | awk '{ s += $1 } END { print s }'
}

reload() {
    "$NGINX" -p "$D/" -c "$D/conf/nginx.conf" -s reload \
        2>> "$D/logs/signal.log"
    reloads=$((reloads + 1))
}

SOAK_DIR=$D wrk -t 2 -c 32 -d "${DURATION}s" -s tools/soak.lua \
    "http://127.0.0.1:$PORT" > "$D/wrk.log" 2>&1 &
WRK=$!

# the faults, on a schedule
sleep 5
RSS_START=$(rss)
start=$(date +%s)
p=1
reloads=0
rotations=0
killed=""

while [ $(( $(date +%s) - start + CYCLE + 5 )) -lt "$DURATION" ]; do
    q=$((p + 1))
    $T jwks "$K/k$p.jwk" "$K/k$q.jwk" > "$K/jwks.json"
    reload
    sleep 3
    echo "$q" > "$D/phase.new"
    mv "$D/phase.new" "$D/phase"      # atomic: wrk never reads half a file
    sleep 3
    $T jwks "$K/k$q.jwk" > "$K/jwks.json"
    reload
    rotations=$((rotations + 1))
    p=$q
    sleep 3

    if [ -z "$killed" ] \
       && [ $(( $(date +%s) - start )) -ge $((DURATION / 2 - CYCLE)) ]; then
        killed=$(ps -o pid= --ppid "$MASTER" | head -1 | tr -d ' ')
        kill -KILL "$killed"
        echo "soak: killed worker $killed"
    fi

    reload
    sleep 3
done

wait $WRK
sleep 1
RSS_END=$(rss)
kill -QUIT "$MASTER"
sleep 1

grep -v '^soak-result' "$D/wrk.log" | sed 's/^/  /'
result=$(grep '^soak-result' "$D/wrk.log")
echo "$result"

wrong=$(echo "$result" | sed -n 's/.*wrong=\([0-9]*\).*/\1/p')
s5=$(echo "$result" | sed -n 's/.* 5xx=\([0-9]*\).*/\1/p')
checked=$(echo "$result" | sed -n 's/.*checked=\([0-9]*\).*/\1/p')
signals=$(grep 'exited on signal' "$D/logs/error.log")
others=$(echo "$signals" | grep -v "process $killed exited on signal 9" \
         | grep -c 'exited on signal')

echo "soak: ${DURATION}s, ${checked:-0} responses checked, $reloads reloads," \
     "$rotations key rotations, worker ${killed:-none} killed"
echo "soak: worker RSS after warm-up ${RSS_START} KiB, at the end ${RSS_END} KiB"

fail=0
[ "${checked:-0}" -gt 0 ] || { echo "soak: FAILED, no response"; fail=1; }
[ "${wrong:-1}" -eq 0 ] || { echo "soak: FAILED, ${wrong:-?} wrong answers"; fail=1; }
[ "${s5:-1}" -eq 0 ] || { echo "soak: FAILED, ${s5:-?} 5xx"; fail=1; }
[ -n "$killed" ] || { echo "soak: FAILED, no worker was killed"; fail=1; }
[ "$others" -eq 0 ] || { echo "soak: FAILED, a worker crashed:"; echo "$signals"; fail=1; }
if [ $((RSS_END - RSS_START)) -gt 20480 ]; then
    echo "soak: FAILED, worker memory grew by more than 20 MiB"
    fail=1
fi

if [ $fail -eq 0 ]; then
    echo "soak: zero 5xx, every valid token accepted, every invalid one refused, no crash"
fi

exit $fail
