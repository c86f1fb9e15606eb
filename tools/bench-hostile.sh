#!/bin/sh
# make bench-hostile (and the end of make bench): what a request without
# credentials costs the gateway, as req/s of forged tokens against a valid
# token of the same algorithm and key set, measured in the same rounds.
#
#   sh tools/bench-hostile.sh BUILD_DIR NGINX_BINARY [SECONDS] [ROUNDS]
#
# One nginx worker pinned to CPU 0, wrk on CPU 1 (as tools/bench.sh). Each
# algorithm has a set of 8 keys with kids (a provider's JWKS), the cache
# off, and large_client_header_buffers raised to 4 32k so that tokens up to
# the module's 16 KiB cap arrive. Every shape is checked for its status
# before it is measured. The same keys also make a provider
# (authgw_provider) at a location of their own, where the payload's "iss"
# is found before the signature: the shapes that matter there are
# measured there too. Writes build/bench-hostile/results.csv and
# docs/hostile.md.

set -u

B=$(cd "$1" && pwd)
NGINX=$2
SECONDS_EACH=${3:-2}
ROUNDS=${4:-3}
T=$B/authgw-token
D=$B/bench-hostile
K=$D/keys
PORT=18690
UP=18691

ALGS="HS256 RS256 PS256 ES256 EdDSA"
SHAPES="valid badsig nokid unknownkid header230 headercap bigsig bigpayload
        issuerscan"
# measured at the provider's location as well
PSHAPES="valid badsig unknownkid bigpayload issuerscan unknowniss"
ISS=https://bench.example

if [ -f "$D/logs/nginx.pid" ]; then
    kill -QUIT "$(cat "$D/logs/nginx.pid")" 2>/dev/null
    sleep 0.5
fi

rm -rf "$D"
mkdir -p "$K" "$D/logs" "$D/tmp" "$D/tokens"

# --- 8 keys per family, and the attacker's own key of each

keys() {
    # keys FAMILY KEYGEN_ARGS...
    fam=$1
    shift
    for i in 1 2 3 4 5 6 7 8 x; do
        $T keygen "$@" --out "$K/$fam-$i.pem" --pub "$K/$fam-$i.jwk" \
            --format jwk --kid "$fam-$i"
    done
    $T jwks "$K/$fam"-[1-8].jwk > "$K/$fam.jwks"
}

keys hs --type oct --size 32
keys rsa --type rsa --bits 2048
keys ec --type ec --crv P-256
keys ed --type ed25519

family() {
    case $1 in
    HS256) echo hs ;;
    RS256|PS256) echo rsa ;;
    ES256) echo ec ;;
    EdDSA) echo ed ;;
    esac
}

b64() {
    # base64url of stdin, no padding
    base64 -w0 | tr '+/' '-_' | tr -d '='
}

# --- the shapes, per algorithm:
#   valid        signed by key 4 of the set, with its kid (the baseline)
#   badsig       the same with one signature character changed
#   nokid        signed by the attacker, no kid: 8 keys fit its alg
#   unknownkid   a kid the set does not have
#   header230    a 5 KB protected header of 230 small members, forged
#   headercap    the largest header parsed (512 bytes, 16 members), forged
#   bigsig       a kid of the set and an 8 KB signature segment
#   bigpayload   a kid of the set, a 15 KB payload, forged (hashed in full)
#   issuerscan   a kid of the set, a 15 KB payload of 1,400 members with
#                "iss" last, forged (the provider's issuer scan at its
#                longest)
#   unknowniss   the same with an "iss" that names no provider (refused
#                before any key: provider location only)

for alg in $ALGS; do
    fam=$(family "$alg")
    dir=$D/tokens/$alg
    mkdir -p "$dir"
    sign() {
        $T sign --alg "$alg" --exp-in 86400 --claim sub=user-1 \
            --claim iss=$ISS "$@"
    }

    sign --key "$K/$fam-4.pem" --kid "$fam-4" > "$dir/valid.txt"
    v=$(cat "$dir/valid.txt")
    c=$(echo "$v" | cut -c $((${#v} - 4)))
    r=A
    [ "$c" = A ] && r=B
    echo "$v" | sed "s/.\(....\)\$/$r\1/" > "$dir/badsig.txt"
    sign --key "$K/$fam-x.pem" > "$dir/nokid.txt"
    sign --key "$K/$fam-x.pem" --kid "no-such-kid-7f3a" > "$dir/unknownkid.txt"

    h="{\"alg\":\"$alg\",\"kid\":\"$fam-4\""
    i=0
    while [ $i -lt 230 ]; do
        h="$h,\"member_$i\":[]"
        i=$((i + 1))
    done
    sign --key "$K/$fam-x.pem" --raw-header "$h}" > "$dir/header230.txt"

    h="{\"alg\":\"$alg\",\"kid\":\"$fam-4\""
    i=0
    while [ $i -lt 13 ]; do
        h="$h,\"m$i\":[[$i]]"
        i=$((i + 1))
    done
    pad=$((512 - ${#h} - 10))
    h="$h,\"pad\":\"$(head -c "$pad" /dev/zero | tr '\0' x)\"}"
    sign --key "$K/$fam-x.pem" --raw-header "$h" > "$dir/headercap.txt"

    echo "$(echo "$v" | cut -d. -f1-2).$(head -c 6144 /dev/urandom | b64)" \
        > "$dir/bigsig.txt"
    sign --key "$K/$fam-x.pem" --kid "$fam-4" \
        --claim "pad=$(head -c 11000 /dev/zero | tr '\0' p)" \
        > "$dir/bigpayload.txt"

    # 1,400 short members before "iss", signed by the attacker's key
    m=$(awk 'BEGIN { for (i = 0; i < 1400; i++) printf "\"%x\":\"a\",", i }')
    for what in issuerscan unknowniss; do
        iss=$ISS
        [ "$what" = unknowniss ] && iss=https://nobody.example
        $T sign --alg "$alg" --key "$K/$fam-x.pem" --kid "$fam-4" \
            --raw-payload "{\"sub\":\"user-1\",$m\"iss\":\"$iss\"}" \
            > "$dir/$what.txt"
    done
done

# --- nginx

{
    cat <<EOF
load_module $B/ngx_http_authgw_module.so;
worker_processes 1;
worker_cpu_affinity 01;
error_log $D/logs/error.log crit;
pid $D/logs/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $D/tmp;
    proxy_temp_path $D/tmp;
    fastcgi_temp_path $D/tmp;
    uwsgi_temp_path $D/tmp;
    scgi_temp_path $D/tmp;
    large_client_header_buffers 4 32k;

    upstream backend {
        server 127.0.0.1:$UP;
        keepalive 64;
    }

    server {
        listen 127.0.0.1:$UP;
        location / { return 200 "ok\n"; }
    }

    server {
        listen 127.0.0.1:$PORT;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        authgw_cache off;

        # nginx's own cost for the same bytes: refused in the access
        # phase without the module
        location /deny/ { deny all; }
EOF
    for alg in $ALGS; do
        cat <<EOF
        location /$alg/ {
            authgw "b";
            authgw_key_file $K/$(family "$alg").jwks;
            authgw_algorithms $alg;
            proxy_pass http://backend;
        }

        location /$alg-p/ {
            authgw "b" provider=p-$alg;
            proxy_pass http://backend;
        }
EOF
    done
    echo "    }"
    for alg in $ALGS; do
        cat <<EOF
    authgw_provider p-$alg {
        issuer $ISS;
        key_file $K/$(family "$alg").jwks;
        algorithms $alg;
    }
EOF
    done
    echo "}"
} > "$D/nginx.conf"

"$NGINX" -p "$D/" -c "$D/nginx.conf" -t -q || exit 1
"$NGINX" -p "$D/" -c "$D/nginx.conf" || exit 1
sleep 0.5
MASTER=$(cat "$D/logs/nginx.pid")

# every shape answers as it should before anything is measured

# targets SHAPE ALG: the locations a shape is measured at
targets() {
    case " $PSHAPES " in
    *" $1 "*) p="$2-p" ;;
    *) p= ;;
    esac
    if [ "$1" = unknowniss ]; then
        echo "$p deny"
    else
        echo "$2 deny $p"
    fi
}

for alg in $ALGS; do
    for shape in $SHAPES unknowniss; do
        want=401
        [ "$shape" = valid ] && want=200
        for target in $(targets "$shape" "$alg"); do
            [ "$target" = deny ] && continue
            code=$(curl -s -o /dev/null -w '%{http_code}' -H \
                   "Authorization: Bearer $(cat "$D/tokens/$alg/$shape.txt")" \
                   "http://127.0.0.1:$PORT/$target/")
            if [ "$code" != "$want" ]; then
                echo "bench-hostile: $target $shape answers $code, not $want"
                kill -QUIT "$MASTER"
                exit 1
            fi
        done
    done
done

echo "alg,shape,target,round,requests_per_s" > "$D/results.csv"

for round in $(seq 1 "$ROUNDS"); do
    for alg in $ALGS; do
        for shape in $SHAPES unknowniss; do
            for target in $(targets "$shape" "$alg"); do
                out=$(BENCH_TOKENS=$D/tokens/$alg/$shape.txt taskset -c 1 \
                      wrk -t 1 -c 32 -d "${SECONDS_EACH}s" -s tools/bench.lua \
                      "http://127.0.0.1:$PORT/$target/")
                rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
                case $target in
                deny) ;;
                *-p) target=provider ;;
                *) target=authgw ;;
                esac
                echo "$alg,$shape,$target,$round,$rps" >> "$D/results.csv"
                printf 'bench-hostile: round %s %-6s %-11s %-6s %10s req/s\n' \
                    "$round" "$alg" "$shape" "$target" "$rps"
            done
        done
    done
done

kill -QUIT "$MASTER"

/usr/bin/python3 tools/bench-hostile-report.py "$D/results.csv" \
    "$SECONDS_EACH" "$ROUNDS" > docs/hostile.md || exit 1
echo "bench-hostile: wrote docs/hostile.md"
grep "^Worst" docs/hostile.md
