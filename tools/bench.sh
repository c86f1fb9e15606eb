#!/bin/sh
# make bench: authgw against the baselines, on this machine, in one run.
#
#   sh tools/bench.sh BUILD_DIR NGINX_BINARY [SECONDS] [ROUNDS]
#
# nginx runs one worker pinned to CPU 0 (gateway, upstream and the auth
# service of the auth_request design all on that core); wrk runs on CPU 1.
# Every configuration is measured once per round, the rounds interleave
# them, and the report gives medians and ratios to the no-auth baseline
# measured in the same rounds. It also measures openssl speed (for the
# crypto-bound limits), worker memory over a one-minute run with the cache,
# and nginx -t with a JWKS of 1,000 keys. It writes build/bench/results.csv,
# docs/performance.png and docs/performance.md.

set -u

B=$1
NGINX=$2
SECONDS_EACH=${3:-5}
ROUNDS=${4:-3}
T=$B/authgw-token
D=$B/bench
K=$D/keys
PORT=18680
UP=18681
AUTH=18682
TOP=$(pwd)

CONFIGS="none none-rs256 hs256 rs256 ps256 es256 eddsa cache-hs256 cache-rs256 cache-ps256 cache-es256 cache-eddsa uid authreq"

if [ -f "$D/logs/nginx.pid" ]; then
    kill -QUIT "$(cat "$D/logs/nginx.pid")" 2>/dev/null
    sleep 0.5
fi

rm -rf "$D"
mkdir -p "$K" "$D/logs" "$D/tmp" "$D/tokens"

# --- keys and tokens

$T keygen --type oct --size 32 --out "$K/hs.key"
$T keygen --type rsa --bits 2048 --out "$K/rsa.pem" --pub "$K/rsa.pub.pem"
$T keygen --type ec --crv P-256 --out "$K/ec.pem" --pub "$K/ec.pub.pem"
$T keygen --type ed25519 --out "$K/ed.pem" --pub "$K/ed.pub.pem"
$T keygen --type oct --size 32 --out "$K/uid.key"

sign() {
    # sign ALG KEY SUB [more]
    alg=$1 key=$2 sub=$3
    shift 3
    $T sign --alg "$alg" --key "$K/$key" --exp-in 86400 --claim sub="$sub" \
        --claim iss=https://idp.bench --claim 'scope=read write' "$@"
}

one() {
    sign "$@" > "$D/tokens/$cfg.txt"
}

for cfg in $CONFIGS; do
    case $cfg in
    none|hs256|authreq) one HS256 hs.key user-1 ;;
    rs256|none-rs256) one RS256 rsa.pem user-1 ;;
    ps256) one PS256 rsa.pem user-1 ;;
    es256) one ES256 ec.pem user-1 ;;
    eddsa) one EdDSA ed.pem user-1 ;;
    uid) one HS256 hs.key user-1 --user-id u-1001 --user-id-key "$K/uid.key" \
             --enc A256GCM ;;
    cache-*)
        a=$(echo "${cfg#cache-}" | tr a-z A-Z)
        [ "$a" = EDDSA ] && a=EdDSA
        k=hs.key
        case $a in RS256|PS256) k=rsa.pem ;; ES256) k=ec.pem ;; EdDSA) k=ed.pem ;; esac
        : > "$D/tokens/$cfg.txt"
        for u in $(seq 1 200); do
            sign "$a" "$k" "user-$u" >> "$D/tokens/$cfg.txt"
        done
        ;;
    esac
done

sed -e "s|@B@|$B|g" -e "s|@D@|$D|g" -e "s|@K@|$K|g" -e "s|@PORT@|$PORT|g" \
    -e "s|@UP@|$UP|g" -e "s|@AUTH@|$AUTH|g" tools/bench.conf > "$D/nginx.conf"

"$NGINX" -p "$D/" -c "$D/nginx.conf" -t -q || exit 1
"$NGINX" -p "$D/" -c "$D/nginx.conf" || exit 1
sleep 0.5
MASTER=$(cat "$D/logs/nginx.pid")

run_wrk() {
    # run_wrk CONFIG SECONDS -> wrk output
    BENCH_TOKENS=$D/tokens/$1.txt taskset -c 1 wrk -t 1 -c 32 -d "$2s" \
        --latency -s tools/bench.lua "http://127.0.0.1:$PORT/$1/"
}

# every configuration answers correctly before anything is measured
for cfg in $CONFIGS; do
    code=$(curl -s -o /dev/null -w '%{http_code}' \
           -H "Authorization: Bearer $(head -1 "$D/tokens/$cfg.txt")" \
           "http://127.0.0.1:$PORT/$cfg/")
    if [ "$code" != 200 ]; then
        echo "bench: $cfg answers $code, not 200"
        kill -QUIT "$MASTER"
        exit 1
    fi
done

# --- the core's own cost per token, in process, on the wrk core

taskset -c 1 "$B/core-bench" "$K/hs.key" "$K/uid.key" "$D/tokens/uid.txt" 2 \
    "$D/tokens/hs256.txt" > "$D/core.txt" || exit 1

# --- the crypto of this machine, measured in the same run

taskset -c 1 openssl speed -seconds 3 rsa2048 ecdsap256 ed25519 \
    > "$D/openssl-speed.txt" 2>/dev/null

echo "config,round,requests_per_s,p50_ms,p99_ms,non2xx" > "$D/results.csv"

ms() {
    # a wrk latency (850.00us, 1.23ms, 2.00s) in milliseconds
    echo "$1" | awk '/us$/ { sub(/us/, ""); print $0 / 1000; next }
                     /ms$/ { sub(/ms/, ""); print $0; next }
                     /s$/ { sub(/s/, ""); print $0 * 1000 }'
}

for round in $(seq 1 "$ROUNDS"); do
    for cfg in $CONFIGS; do
        run_wrk "$cfg" 1 > /dev/null
        out=$(run_wrk "$cfg" "$SECONDS_EACH")
        rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
        p50=$(ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
        p99=$(ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
        bad=$(echo "$out" | awk '/Non-2xx/ { print $5 }')
        echo "$cfg,$round,$rps,$p50,$p99,${bad:-0}" >> "$D/results.csv"
        printf 'bench: round %s %-12s %10s req/s  p50 %s ms  p99 %s ms\n' \
            "$round" "$cfg" "$rps" "$p50" "$p99"
    done
done

# --- where the time goes: flat profiles of the worker under load, by
# shared object (libcrypto and jansson have no symbols here), then by symbol

profile() {
    { perf report -i "$D/perf-$1.data" --stdio --no-children --sort dso \
          2> /dev/null | grep -v '^#' | grep -v '^$' | head -8
      echo
      perf report -i "$D/perf-$1.data" --stdio --no-children \
          --sort dso,symbol --percent-limit 1.5 2> /dev/null \
          | grep -v '^#' | grep -v '^$' | grep -v '\] 0x' | head -12
    } > "$D/profile-$1.txt"
}

WORKER=$(ps -o pid= --ppid "$MASTER" | head -1 | tr -d ' ')

if command -v perf > /dev/null; then
    for cfg in uid authreq es256 eddsa rs256; do
        run_wrk "$cfg" 6 > /dev/null &
        sleep 1
        perf record -q -F 999 -p "$WORKER" -o "$D/perf-$cfg.data" \
            -- sleep 4 > /dev/null 2>&1
        wait
        profile "$cfg"
    done
fi

# --- worker memory over a minute with the cache and a mix of tokens

run_wrk cache-es256 10 > /dev/null
RSS_START=$(ps -o rss= --ppid "$MASTER" | awk '{ s += $1 } END { print s }')
run_wrk cache-es256 60 > /dev/null
RSS_END=$(ps -o rss= --ppid "$MASTER" | awk '{ s += $1 } END { print s }')

kill -QUIT "$MASTER"

# --- start-up with a JWKS of 1,000 keys

mkdir -p "$D/startup"
for i in $(seq 1 1000); do
    $T keygen --type ec --crv P-256 --out "$D/startup/k.pem" \
        --pub "$D/startup/k$i.jwk" --format jwk --kid "key-$i"
done
$T jwks "$D"/startup/k*.jwk > "$D/startup/jwks.json"
nkeys=$(grep -o '"kid"' "$D/startup/jwks.json" | wc -l)
sed -e "s|$K/ec.pub.pem|$D/startup/jwks.json|" "$D/nginx.conf" \
    > "$D/startup/nginx.conf"
start_ms=$( { /usr/bin/time -f '%e' "$NGINX" -p "$D/" -c "$D/startup/nginx.conf" \
              -t -q; } 2>&1 | tail -1 | awk '{ print $1 * 1000 }')

/usr/bin/python3 tools/bench-report.py "$D" "$RSS_START" "$RSS_END" \
    "$nkeys" "$start_ms" "$SECONDS_EACH" "$ROUNDS"
