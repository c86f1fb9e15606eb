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
#
# The DPoP configurations need a fresh proof for every request (nginx's
# replay cache refuses one seen before) and wrk cannot sign: the proofs
# are minted before nginx starts, more than the run can use, and
# tools/bench-dpop.lua sends each once, in order. The TLS configurations
# with a client certificate are measured with ab -E (wrk cannot present
# one), their ratios only to each other. A run where any request was
# refused, or a DPoP request went without a proof, is reported invalid.

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
TLS=18683
TOP=$(pwd)

# measured with wrk, then with ab over TLS with a client certificate
CONFIGS="none none-rs256 hs256 rs256 ps256 es256 eddsa cache-hs256 cache-rs256
cache-ps256 cache-es256 cache-eddsa uid authreq dpop-es256 cache-dpop-es256
mtls-hdr"
TLS_CONFIGS="tls-clientcert-none mtls-conn"
DPOP_CONFIGS="dpop-es256 cache-dpop-es256"

if [ -f "$D/logs/nginx.pid" ]; then
    kill -QUIT "$(cat "$D/logs/nginx.pid")" 2>/dev/null
    sleep 0.5
fi

rm -rf "$D"
mkdir -p "$K" "$D/logs" "$D/tmp" "$D/tokens" "$D/tls" "$D/proofs"
date +%s > "$D/started"

# --- keys and tokens

$T keygen --type oct --size 32 --out "$K/hs.key"
$T keygen --type rsa --bits 2048 --out "$K/rsa.pem" --pub "$K/rsa.pub.pem"
$T keygen --type ec --crv P-256 --out "$K/ec.pem" --pub "$K/ec.pub.pem"
$T keygen --type ed25519 --out "$K/ed.pem" --pub "$K/ed.pub.pem"
$T keygen --type oct --size 32 --out "$K/uid.key"
# the DPoP client's key
$T keygen --type ec --crv P-256 --out "$K/dpop.pem"

# the TLS server's certificate, and the client's, its own CA: ab sends it
# (client.pem, certificate and key), and for mtls-hdr it goes in a header
# URL-encoded, as a TLS terminator's $ssl_client_escaped_cert
for c in server client; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$D/tls/$c.key" -out "$D/tls/$c.crt" -days 2 \
        -subj "/CN=authgw-bench-$c" 2> /dev/null || exit 1
done
cat "$D/tls/client.crt" "$D/tls/client.key" > "$D/tls/client.pem"
printf 'X-Client-Cert: %s\n' "$(/usr/bin/python3 -c 'import sys, urllib.parse
print(urllib.parse.quote(open(sys.argv[1]).read(), safe=""))' \
    "$D/tls/client.crt")" > "$D/tls/headers.txt"

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

for cfg in $CONFIGS $TLS_CONFIGS; do
    case $cfg in
    none|hs256|authreq) one HS256 hs.key user-1 ;;
    rs256|none-rs256) one RS256 rsa.pem user-1 ;;
    ps256) one PS256 rsa.pem user-1 ;;
    es256) one ES256 ec.pem user-1 ;;
    eddsa) one EdDSA ed.pem user-1 ;;
    uid) one HS256 hs.key user-1 --user-id u-1001 --user-id-key "$K/uid.key" \
             --enc A256GCM ;;
    *dpop-es256) one HS256 hs.key user-1 --cnf-jkt "$K/dpop.pem" ;;
    mtls-*|tls-*) one HS256 hs.key user-1 --cnf-x5t "$D/tls/client.crt" ;;
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

# --- the core's own cost per token, in process, on the wrk core; and of
# a DPoP proof of the dpop-es256 configuration (the core keeps no replay
# cache: one proof checked again and again)

tok=$(cat "$D/tokens/dpop-es256.txt")
printf '%s %s\n' "$tok" "$($T dpop --key "$K/dpop.pem" --method GET \
    --url "http://127.0.0.1:$PORT/dpop-es256/" --token "$tok")" \
    > "$D/tokens/dpop-line.txt"
taskset -c 1 "$B/core-bench" "$K/hs.key" "$K/uid.key" "$D/tokens/uid.txt" 2 \
    "$D/tokens/hs256.txt" "$D/tokens/dpop-line.txt" \
    "http://127.0.0.1:$PORT/dpop-es256/" > "$D/core.txt" || exit 1

# --- the crypto of this machine, measured in the same run

taskset -c 1 openssl speed -seconds 3 rsa2048 ecdsap256 ed25519 \
    > "$D/openssl-speed.txt" 2>/dev/null

# --- DPoP proofs, each good once: more than the run can use
#
# Every DPoP request verifies one P-256 signature on the worker's core, so
# none goes faster than openssl speed's P-256 verifications a second (the
# request does far more: the rest of the request, the proof's JSON and its
# key); a quarter more for a speed measured under load. wrk runs each DPoP
# configuration SECONDS + 1 (the warm-up) per round, dpop-es256 6 more
# under perf. If they run out all the same, the requests without a proof
# are refused, counted, and the run is invalid (BENCH_DPOP_RATE=N in the
# environment mints for N req/s instead: a small N shows such a run).

verify=$(awk '/256 bits ecdsa \(nistp256\)/ { print int($NF) }' \
         "$D/openssl-speed.txt")
if [ -z "$verify" ] || [ "$verify" -lt 1000 ]; then
    echo "bench: no P-256 verify rate from openssl speed; assuming 20000/s"
    verify=20000
fi
rate=${BENCH_DPOP_RATE:-$((verify * 5 / 4))}

for cfg in $DPOP_CONFIGS; do
    secs=$((ROUNDS * (SECONDS_EACH + 1)))
    [ "$cfg" = dpop-es256 ] && secs=$((secs + 6))
    n=$((rate * secs + 1000))
    echo "$n" > "$D/proofs/$cfg.minted"
    echo 0 > "$D/proofs/$cfg.next"
    : > "$D/proofs/$cfg.ledger"
    tok=$(cat "$D/tokens/$cfg.txt")
    echo "bench: minting $n proofs for $cfg ($secs s at up to $rate req/s)"
    # two configurations, two cores (nginx is not running yet)
    $T dpop --key "$K/dpop.pem" --method GET \
        --url "http://127.0.0.1:$PORT/$cfg/" --token "$tok" --count "$n" \
        | sed "s|^|$tok |" > "$D/proofs/$cfg.txt" &
done
wait
for cfg in $DPOP_CONFIGS; do
    lines=$(wc -l < "$D/proofs/$cfg.txt")
    if [ "$lines" -ne "$(cat "$D/proofs/$cfg.minted")" ]; then
        echo "bench: minting the proofs of $cfg failed"
        exit 1
    fi
done

# the replay zone holds every proof minted (and the checks' below), 128
# bytes each in the slab, with a tenth more for the slab's own pages
minted=$(cat "$D"/proofs/*.minted | awk '{ s += $1 } END { print s + 10 }')
replay_m=$((minted * 128 * 11 / 10 / 1048576 + 2))

sed -e "s|@B@|$B|g" -e "s|@D@|$D|g" -e "s|@K@|$K|g" -e "s|@PORT@|$PORT|g" \
    -e "s|@UP@|$UP|g" -e "s|@AUTH@|$AUTH|g" -e "s|@TLS@|$TLS|g" \
    -e "s|@REPLAY@|${replay_m}m|g" tools/bench.conf > "$D/nginx.conf"

"$NGINX" -p "$D/" -c "$D/nginx.conf" -t -q || exit 1
"$NGINX" -p "$D/" -c "$D/nginx.conf" || exit 1
sleep 0.5
MASTER=$(cat "$D/logs/nginx.pid")

run_wrk() {
    # run_wrk CONFIG SECONDS -> wrk output; a DPoP configuration goes on
    # where its last run stopped in its file of proofs, and records what it
    # used in its ledger
    case $1 in
    *dpop*)
        next=$(cat "$D/proofs/$1.next")
        out=$(BENCH_PROOFS=$D/proofs/$1.txt BENCH_OFFSET=$next \
              taskset -c 1 wrk -t 1 -c 32 -d "$2s" --latency \
              -s tools/bench-dpop.lua "http://127.0.0.1:$PORT/$1/")
        echo "$out"
        line=$(echo "$out" | grep '^bench-dpop: used ')
        if [ -z "$line" ]; then
            echo "$1: wrk did not say which proofs it used" >> "$D/invalid"
            return
        fi
        echo "$line" | awk '{ print $5 }' > "$D/proofs/$1.next"
        echo "$line" | awk '{ print $3, $7 }' >> "$D/proofs/$1.ledger"
        ;;
    mtls-hdr)
        BENCH_TOKENS=$D/tokens/$1.txt BENCH_HEADERS=$D/tls/headers.txt \
            taskset -c 1 wrk -t 1 -c 32 -d "$2s" --latency \
            -s tools/bench.lua "http://127.0.0.1:$PORT/$1/"
        ;;
    *)
        BENCH_TOKENS=$D/tokens/$1.txt taskset -c 1 wrk -t 1 -c 32 -d "$2s" \
            --latency -s tools/bench.lua "http://127.0.0.1:$PORT/$1/"
        ;;
    esac
}

run_ab() {
    # run_ab CONFIG SECONDS -> ab output, then "p50 MS" and "p99 MS" from
    # its table of percentiles (ab's own summary rounds them to whole ms);
    # -n bounds the table ab allocates, far above what it reaches
    taskset -c 1 ab -q -k -c 32 -t "$2" -n $(($2 * 100000)) \
        -E "$D/tls/client.pem" \
        -H "Authorization: Bearer $(cat "$D/tokens/$1.txt")" \
        -e "$D/ab-pct.csv" "https://127.0.0.1:$TLS/$1/" > "$D/ab.out" 2>&1
    cat "$D/ab.out"
    awk -F, '$1 == 50 || $1 == 99 { print "p" $1, $2 }' "$D/ab-pct.csv"
}

stop() {
    echo "bench: $*"
    kill -QUIT "$MASTER"
    exit 1
}

# every configuration answers correctly before anything is measured; a
# DPoP proof answers once and is refused again (this is why every request
# needs its own)
for cfg in $CONFIGS; do
    tok=$(head -1 "$D/tokens/$cfg.txt")
    url=http://127.0.0.1:$PORT/$cfg/
    case $cfg in
    *dpop*)
        proof=$($T dpop --key "$K/dpop.pem" --method GET --url "$url" \
                --token "$tok")
        code=$(curl -s -o /dev/null -w '%{http_code}' \
               -H "Authorization: DPoP $tok" -H "DPoP: $proof" "$url")
        again=$(curl -s -o /dev/null -w '%{http_code}' \
                -H "Authorization: DPoP $tok" -H "DPoP: $proof" "$url")
        [ "$again" = 401 ] || stop "$cfg answers $again to a replayed proof"
        ;;
    mtls-hdr)
        code=$(curl -s -o /dev/null -w '%{http_code}' -H @"$D/tls/headers.txt" \
               -H "Authorization: Bearer $tok" "$url")
        ;;
    *)
        code=$(curl -s -o /dev/null -w '%{http_code}' \
               -H "Authorization: Bearer $tok" "$url")
        ;;
    esac
    [ "$code" = 200 ] || stop "$cfg answers $code, not 200"
done

for cfg in $TLS_CONFIGS; do
    code=$(curl -sk -o /dev/null -w '%{http_code}' \
           --cert "$D/tls/client.crt" --key "$D/tls/client.key" \
           -H "Authorization: Bearer $(cat "$D/tokens/$cfg.txt")" \
           "https://127.0.0.1:$TLS/$cfg/")
    [ "$code" = 200 ] || stop "$cfg answers $code, not 200"
done

echo "config,round,requests_per_s,p50_ms,p99_ms,non2xx,tool" \
    > "$D/results.csv"

ms() {
    # a wrk latency (850.00us, 1.23ms, 2.00s) in milliseconds
    echo "$1" | awk '/us$/ { sub(/us/, ""); print $0 / 1000; next }
                     /ms$/ { sub(/ms/, ""); print $0; next }
                     /s$/ { sub(/s/, ""); print $0 * 1000 }'
}

measure() {
    # measure CONFIG ROUND: one warm-up second, then SECONDS_EACH measured
    case " $TLS_CONFIGS " in
    *" $1 "*)
        run_ab "$1" 1 > /dev/null
        out=$(run_ab "$1" "$SECONDS_EACH")
        rps=$(echo "$out" | awk '/^Requests per second/ { print $4 }')
        p50=$(echo "$out" | awk '$1 == "p50" { print $2 }')
        p99=$(echo "$out" | awk '$1 == "p99" { print $2 }')
        bad=$(echo "$out" | awk '/^Non-2xx responses/ { n += $3 }
                                 /^Failed requests/ { n += $3 }
                                 END { print n + 0 }')
        tool=ab
        grep '^SSL/TLS Protocol' "$D/ab.out" > "$D/ab-protocol.txt"
        ;;
    *)
        run_wrk "$1" 1 > /dev/null
        out=$(run_wrk "$1" "$SECONDS_EACH")
        rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
        p50=$(ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
        p99=$(ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
        bad=$(echo "$out" | awk '/Non-2xx/ { print $5 }')
        tool=wrk
        ;;
    esac
    echo "$1,$2,$rps,$p50,$p99,${bad:-0},$tool" >> "$D/results.csv"
    printf 'bench: round %s %-19s %10s req/s  p50 %s ms  p99 %s ms  %s\n' \
        "$2" "$1" "$rps" "$p50" "$p99" "$tool"
}

for round in $(seq 1 "$ROUNDS"); do
    for cfg in $CONFIGS $TLS_CONFIGS; do
        measure "$cfg" "$round"
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
    for cfg in uid authreq es256 eddsa rs256 dpop-es256; do
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

# --- the proofs: minted, used (each once), and the requests that went
# without one; then the files go (hundreds of MB)

echo "config,minted,used,without" > "$D/proofs.csv"
for cfg in $DPOP_CONFIGS; do
    awk -v c="$cfg" -v m="$(cat "$D/proofs/$cfg.minted")" \
        '{ u += $1; w += $2 } END { print c "," m "," u + 0 "," w + 0 }' \
        "$D/proofs/$cfg.ledger" >> "$D/proofs.csv"
done
for cfg in $DPOP_CONFIGS; do
    head -1 "$D/proofs/$cfg.txt" > "$D/proofs/$cfg.sample"
done
rm -f "$D"/proofs/*.txt

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

date +%s > "$D/finished"
/usr/bin/python3 tools/bench-report.py "$D" "$RSS_START" "$RSS_END" \
    "$nkeys" "$start_ms" "$SECONDS_EACH" "$ROUNDS"
