#!/bin/sh
# make demo: the API gateway of docs/examples/gateway.conf, end to end, on
# 127.0.0.1 only. It starts four service instances (stock nginx that echo
# what they receive), two identity providers' key sets and metadata (a
# stock nginx that serves them) and the gateway (nginx + authgw), mints
# tokens with authgw-token, runs the scenarios, checks each, prints a
# transcript, and stops everything (KEEP=1 leaves it running). Exit status
# 1 if a scenario did not behave as described.
#
#   sh tools/demo.sh BUILD_DIR NGINX_BINARY
#   sh tools/demo.sh --stop BUILD_DIR

set -u

if [ "$1" = --stop ]; then
    for pid in "$2"/demo/gateway/logs/nginx.pid "$2"/demo/svc-*/nginx.pid; do
        [ -f "$pid" ] && kill -QUIT "$(cat "$pid")" 2>/dev/null
    done
    echo "demo: stopped"
    exit 0
fi

B=$1
NGINX=$2
TOP=$(cd "$(dirname "$0")/.." && pwd)
T=$B/authgw-token
D=$B/demo
K=$D/keys
GW=$D/gateway
FAILED=0

WEB=http://127.0.0.1:18480
MOBILE=http://127.0.0.1:18481
PARTNERS=http://127.0.0.1:18482

stop_all() {
    for pid in "$GW/logs/nginx.pid" "$D"/svc-*/nginx.pid; do
        [ -f "$pid" ] && kill -QUIT "$(cat "$pid")" 2>/dev/null
    done
    sleep 0.3
}

check() {
    # check WHAT EXPECTED GOT
    if [ "$2" = "$3" ]; then
        printf '   ok: %s\n' "$1"
    else
        printf '   UNEXPECTED: %s (expected %s, got %s)\n' "$1" "$2" "$3"
        FAILED=$((FAILED + 1))
    fi
}

# call ENTRY PATH [curl args...]: prints the status; body in $D/body
call() {
    url=$1$2
    shift 2
    curl -s -o "$D/body" -D "$D/head" -w '%{http_code}' "$@" "$url"
}

# header NAME: the value of the last answer's header NAME (each line of it)
header() {
    grep -i "^$1:" "$D/head" | tr -d '\r' | cut -d' ' -f2-
}

# outcome: the reason of the last request in the gateway's access log
outcome() {
    tail -1 "$GW/logs/access.log" | grep -o 'outcome=[a-z_]*' | cut -d= -f2
}

stop_all
rm -rf "$D"
mkdir -p "$K" "$GW/conf" "$GW/logs" "$GW/tmp"

# --- keys: the identity provider's signing keys and the user-id key

$T keygen --type rsa --out "$K/idp-rsa.pem" --pub "$K/idp-rsa.jwk" \
    --format jwk --kid idp-rsa-2026 --alg RS256 --use sig
$T keygen --type ec --crv P-256 --out "$K/idp-ec.pem" --pub "$K/idp-ec.jwk" \
    --format jwk --kid idp-ec-2026 --alg ES256 --use sig
$T jwks "$K/idp-rsa.jwk" "$K/idp-ec.jwk" > "$K/idp-jwks.json"
$T keygen --type oct --size 32 --out "$K/uid.key" --pub "$K/uid.jwk" \
    --format jwk --kid uid-1 --use enc
$T jwks "$K/uid.jwk" > "$K/user-id.jwks"
$T keygen --type rsa --out "$K/attacker.pem"
$T keygen --type ec --crv P-256 --out "$K/partners.pem" \
    --pub "$K/partners.jwk" --format jwk --kid p-2026 --alg ES256 --use sig
# the gateway's key for DPoP server nonces (the same file on every node)
openssl rand -out "$K/dpop-nonce.key" 32 || exit 1

# --- four service instances: users 1 and 2, orders 1 and 2

n=0
for svc in users:1:18491 users:2:18492 orders:1:18493 orders:2:18494; do
    name=${svc%%:*}
    rest=${svc#*:}
    inst=${rest%%:*}
    port=${rest#*:}
    dir=$D/svc-$name-$inst
    mkdir -p "$dir/tmp"
    cat > "$dir/nginx.conf" <<EOF
daemon on;
master_process off;
error_log $dir/error.log;
pid $dir/nginx.pid;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $dir/tmp;
    proxy_temp_path $dir/tmp;
    fastcgi_temp_path $dir/tmp;
    uwsgi_temp_path $dir/tmp;
    scgi_temp_path $dir/tmp;
    server {
        listen 127.0.0.1:$port;
        location / {
            return 200 "service=$name instance=$inst user=\$http_x_user_id consumer=\$http_x_consumer token=[\$http_authorization]\n";
        }
    }
}
EOF
    "$NGINX" -p "$dir/" -c "$dir/nginx.conf" || exit 1
    n=$((n + 1))
done

# --- the identity provider's key set, served as its jwks_uri would be
#     (here by a stock nginx, plain HTTP on loopback): the keys of today

IDP=$D/svc-idp
mkdir -p "$IDP/tmp" "$IDP/www/partners/.well-known"
$T jwks "$K/idp-rsa.jwk" "$K/idp-ec.jwk" > "$IDP/www/jwks.json"

# and the partners' provider, with its OpenID Connect metadata
cat > "$IDP/www/partners/.well-known/openid-configuration" <<EOF
{"issuer":"http://127.0.0.1:18495/partners",
 "jwks_uri":"http://127.0.0.1:18495/partners/keys",
 "id_token_signing_alg_values_supported":["ES256"]}
EOF
$T jwks "$K/partners.jwk" > "$IDP/www/partners/keys"
cat > "$IDP/nginx.conf" <<EOF
daemon on;
master_process off;
error_log $IDP/error.log;
pid $IDP/nginx.pid;
events { worker_connections 64; }
http {
    access_log $IDP/access.log;
    client_body_temp_path $IDP/tmp;
    proxy_temp_path $IDP/tmp;
    fastcgi_temp_path $IDP/tmp;
    uwsgi_temp_path $IDP/tmp;
    scgi_temp_path $IDP/tmp;
    server {
        listen 127.0.0.1:18495;
        root $IDP/www;
        default_type application/json;
    }
}
EOF
"$NGINX" -p "$IDP/" -c "$IDP/nginx.conf" || exit 1

# --- the gateway

sed -e "s|@MODULE@|$B/ngx_http_authgw_module.so|" -e "s|@PREFIX@|$GW|g" \
    -e "s|@KEYS@|$K|g" "$TOP/docs/examples/gateway.conf" \
    > "$GW/conf/nginx.conf"
cp "$TOP/docs/examples/routes.conf" "$GW/conf/routes.conf"

"$NGINX" -p "$GW/" -c "$GW/conf/nginx.conf" -t -q || exit 1
"$NGINX" -p "$GW/" -c "$GW/conf/nginx.conf" || exit 1
sleep 0.3

# --- tokens, as the identity provider would issue them

idp() {
    $T sign --claim iss=https://idp.demo --exp-in 600 \
        --user-id-key "$K/uid.jwk" --user-id-kid uid-1 --enc A256GCM "$@"
}

ALICE=$(idp --alg RS256 --key "$K/idp-rsa.pem" --kid idp-rsa-2026 \
        --claim sub=alice --claim aud=web --claim 'scope=profile orders:read' \
        --user-id u-1001)
BOB=$(idp --alg ES256 --key "$K/idp-ec.pem" --kid idp-ec-2026 \
      --claim sub=bob --claim aud=mobile --claim scope=profile \
      --user-id u-2002)
EXPIRED=$($T sign --alg RS256 --key "$K/idp-rsa.pem" --kid idp-rsa-2026 \
          --claim iss=https://idp.demo --claim aud=web --claim sub=alice \
          --exp-in -120 --user-id u-1001 --user-id-key "$K/uid.jwk" \
          --user-id-kid uid-1)
FORGED=$(idp --alg RS256 --key "$K/attacker.pem" --kid idp-rsa-2026 \
         --claim sub=alice --claim aud=web --user-id u-1)

echo
echo "authgw demo: gateway on 127.0.0.1:18480 (web) and :18481 (mobile),"
echo "services users and orders, two instances each on :18491-18494"
echo

echo "1. alice (web) calls the users service with a valid token"
s=$(call $WEB /users/me -H "Authorization: Bearer $ALICE")
printf '   %s  %s\n' "$s" "$(cat "$D/body")"
check "200" 200 "$s"
check "the service receives the decrypted user id" "user=u-1001" \
    "$(grep -o 'user=[^ ]*' "$D/body")"
check "the service never sees the token" "token=[]" \
    "$(grep -o 'token=\[[^]]*\]' "$D/body")"

echo
echo "2. alice sends a spoofed X-User-Id: admin"
s=$(call $WEB /users/me -H "Authorization: Bearer $ALICE" \
    -H "X-User-Id: admin" -H "x-user-id: root")
printf '   %s  %s\n' "$s" "$(cat "$D/body")"
check "the gateway replaces it" "user=u-1001" \
    "$(grep -o 'user=[^ ]*' "$D/body")"

echo
echo "3. refused tokens"
for case in "no token::401:missing_token" \
            "expired token:$EXPIRED:401:expired" \
            "forged signature:$FORGED:401:bad_signature" \
            "malformed token:abc.def:401:malformed_token"; do
    what=${case%%:*}
    rest=${case#*:}
    tok=${rest%%:*}
    rest=${rest#*:}
    want=${rest%%:*}
    reason=${rest#*:}
    if [ -n "$tok" ]; then
        s=$(call $WEB /users/me -H "Authorization: Bearer $tok")
    else
        s=$(call $WEB /users/me)
    fi
    www=$(grep -i '^WWW-Authenticate:' "$D/head" | tr -d '\r')
    printf '   %-17s %s  %s\n' "$what" "$s" "$www"
    check "$what: $want $reason" "$want $reason" \
        "$s $(tail -1 "$GW/logs/access.log" | grep -o 'outcome=[a-z_]*' \
              | cut -d= -f2)"
done

echo
echo "4. alice's web token at the mobile entry point (wrong audience)"
s=$(call $MOBILE /users/me -H "Authorization: Bearer $ALICE")
printf '   %s  %s\n' "$s" "$(grep -i '^WWW-Authenticate:' "$D/head" | tr -d '\r')"
check "401 bad_audience" "401 bad_audience" \
    "$s $(tail -1 "$GW/logs/access.log" | grep -o 'outcome=[a-z_]*' | cut -d= -f2)"

echo
echo "5. scopes: orders needs orders:read"
s=$(call $WEB /orders/recent -H "Authorization: Bearer $ALICE")
printf '   alice (has it)  %s  %s\n' "$s" "$(cat "$D/body")"
check "alice gets 200" 200 "$s"
s=$(call $MOBILE /orders/recent -H "Authorization: Bearer $BOB")
printf '   bob (lacks it)  %s  %s\n' "$s" "$(grep -i '^WWW-Authenticate:' "$D/head" | tr -d '\r')"
check "bob gets 403" 403 "$s"

echo
echo "6. fault isolation: users instance 1 is stopped"
kill -QUIT "$(cat "$D/svc-users-1/nginx.pid")"
sleep 1.5     # and alice's rate-limit allowance refills
ok=0
for i in 1 2 3 4 5 6; do
    s=$(call $WEB /users/me -H "Authorization: Bearer $ALICE")
    [ "$s" = 200 ] && ok=$((ok + 1))
    printf '   %s  %s\n' "$s" "$(cut -d' ' -f1-2 "$D/body")"
    sleep 0.6
done
check "all 6 requests served by the other instance" 6 "$ok"

echo
echo "7. rate limit per user: a burst of 10 from alice, then one from bob"
codes=""
for i in 1 2 3 4 5 6 7 8 9 10; do
    codes="$codes $(call $WEB /users/me -H "Authorization: Bearer $ALICE")"
done
echo "   alice:$codes"
limited=$(echo "$codes" | tr ' ' '\n' | grep -c 429)
s=$(call $MOBILE /users/me -H "Authorization: Bearer $BOB")
echo "   bob:   $s"
check "some of alice's burst is limited" yes \
    "$([ "$limited" -ge 5 ] && echo yes || echo "no ($limited)")"
check "bob is not limited by alice's burst" 200 "$s"

echo
echo "8. the identity provider rotates: it publishes a new key and signs with"
echo "   it at once; the gateway is not reloaded"
$T keygen --type rsa --out "$K/idp-rsa-2027.pem" \
    --pub "$K/idp-rsa-2027.jwk" --format jwk --kid idp-rsa-2027 --alg RS256 \
    --use sig
$T jwks "$K/idp-rsa.jwk" "$K/idp-ec.jwk" "$K/idp-rsa-2027.jwk" \
    > "$IDP/www/jwks.json.new"
mv "$IDP/www/jwks.json.new" "$IDP/www/jwks.json"
CAROL=$(idp --alg RS256 --key "$K/idp-rsa-2027.pem" --kid idp-rsa-2027 \
        --claim sub=carol --claim aud=web --claim scope=profile \
        --user-id u-3003)
s=$(call $WEB /users/me -H "Authorization: Bearer $CAROL")
printf '   carol (new key)  %s  %s\n' "$s" "$(cut -d' ' -f1-3 "$D/body")"
check "a token of the new key is accepted at once" 200 "$s"
line=$(grep -o 'authgw: [0-9]* keys from "/_idp_jwks", kept for [0-9]* s' \
       "$GW/logs/error.log" | tail -1)
echo "   gateway log: $line"
check "the gateway fetched the new key without a reload" \
    'authgw: 1 keys from "/_idp_jwks"' "${line%%, kept*}"
sleep 0.5     # bob's rate-limit allowance refills
s=$(call $MOBILE /users/me -H "Authorization: Bearer $BOB")
check "bob's token of a key of the file still passes" 200 "$s"

echo
echo "9. a second identity provider, found by OpenID Connect discovery: the"
echo "   partner entry point (:18482) takes staff and partner tokens"
ACME=$($T sign --alg ES256 --key "$K/partners.pem" --kid p-2026 \
       --claim iss=http://127.0.0.1:18495/partners --claim sub=acme-corp \
       --claim aud=partners --exp-in 600)
DAVE=$(idp --alg ES256 --key "$K/idp-ec.pem" --kid idp-ec-2026 \
       --claim sub=dave --claim aud=partners --user-id u-4004)
SPOOF=$($T sign --alg ES256 --key "$K/partners.pem" --kid idp-ec-2026 \
        --claim iss=https://idp.demo --claim sub=alice --exp-in 600)
s=$(call $PARTNERS /orders/recent -H "Authorization: Bearer $ACME")
printf '   acme, partners, /orders   %s  %s\n' "$s" "$(cut -d' ' -f1-4 "$D/body")"
check "a partner token at orders: 200" 200 "$s"
check "the service is told which provider" "consumer=partners/acme-corp" \
    "$(grep -o 'consumer=[^ ]*' "$D/body")"
line=$(grep -o 'provider partners has its keys at "[^"]*"' \
       "$GW/logs/error.log" | tail -1)
echo "   gateway log: $line"
check "its keys found through its metadata" \
    'provider partners has its keys at "http://127.0.0.1:18495/partners/keys"' \
    "$line"
sleep 0.5     # alice's rate-limit allowance refills
s=$(call $PARTNERS /orders/recent -H "Authorization: Bearer $DAVE")
printf '   dave, staff, /orders      %s  %s\n' "$s" "$(cut -d' ' -f1-4 "$D/body")"
check "a staff token there too: 200" 200 "$s"
check "with the user id of staff's own rule" "user=u-4004" \
    "$(grep -o 'user=[^ ]*' "$D/body")"
s=$(call $PARTNERS /users/me -H "Authorization: Bearer $ACME")
printf '   acme, partners, /users    %s  %s\n' "$s" \
    "$(grep -i '^WWW-Authenticate:' "$D/head" | tr -d '\r')"
check "a partner token at the staff-only service: 401 bad_issuer" \
    "401 bad_issuer" \
    "$s $(tail -1 "$GW/logs/access.log" | grep -o 'outcome=[a-z_]*' | cut -d= -f2)"
s=$(call $PARTNERS /users/me -H "Authorization: Bearer $SPOOF")
printf '   partner key, staff iss   %s  %s\n' "$s" \
    "$(grep -i '^WWW-Authenticate:' "$D/head" | tr -d '\r')"
check "a partner's key claiming staff's issuer: 401 bad_signature" \
    "401 bad_signature" \
    "$s $(tail -1 "$GW/logs/access.log" | grep -o 'outcome=[a-z_]*' | cut -d= -f2)"

echo
echo "10. a DPoP client: /payments (web entry point) takes only tokens bound"
echo "    to the client's key, each request with a proof signed by that key"
$T keygen --type ec --crv P-256 --out "$K/erin-app.pem" \
    --pub "$K/erin-app.pub.pem"
JKT=$($T thumbprint --key "$K/erin-app.pub.pem")
echo "   erin's app makes its own key pair; its thumbprint is $JKT"
# the identity provider binds the token to the public key the app showed
# it (in a real flow, in the DPoP proof the app sends to its token endpoint)
ERIN=$(idp --alg ES256 --key "$K/idp-ec.pem" --kid idp-ec-2026 \
       --claim sub=erin --claim aud=web --claim scope=payments \
       --user-id u-5005 --cnf-jkt "$K/erin-app.pub.pem")
bound=$($T decode "$ERIN" | grep -o '"jkt": *"[^"]*"' | tr -d ' "' \
        | cut -d: -f2)
echo "   the identity provider issues erin a token with cnf.jkt $bound"
check "the token is bound to the app's key" "$JKT" "$bound"

PAY=/payments/charge
# proof KEY [NONCE]: a fresh proof for POST $WEB$PAY with erin's token
proof() {
    $T dpop --key "$1" --method POST --url "$WEB$PAY" --token "$ERIN" \
        ${2:+--nonce "$2"}
}

# pay WHAT [curl args...]: one payment call, its status and challenge
# printed, and the answer's DPoP-Nonce when it is a new one (every answer
# carries the current nonce; the client keeps the last)
NONCE=
pay() {
    what=$1
    shift
    last=$NONCE
    s=$(call $WEB $PAY -d 'amount=42' "$@")
    if [ "$s" = 200 ]; then
        printf '   %-30s %s  %s\n' "$what" "$s" "$(cat "$D/body")"
    else
        printf '   %-30s %s\n' "$what" "$s"
    fi
    header WWW-Authenticate | sed 's/^/      WWW-Authenticate: /'
    NONCE=$(header DPoP-Nonce | tail -1)
    if [ -n "$NONCE" ] && [ "$NONCE" != "$last" ]; then
        echo "      DPoP-Nonce: $NONCE"
    fi
}

pay "first call, no nonce yet" \
    -H "Authorization: DPoP $ERIN" -H "DPoP: $(proof "$K/erin-app.pem")"
check "first call: 401 use_dpop_nonce" "401 use_dpop_nonce" "$s $(outcome)"
check "the answer gives the nonce to use" yes \
    "$([ -n "$NONCE" ] && echo yes || echo no)"

P=$(proof "$K/erin-app.pem" "$NONCE")
pay "again, with the nonce" -H "Authorization: DPoP $ERIN" -H "DPoP: $P"
check "with the nonce in a fresh proof: 200" "200" "$s"
check "the service sees erin" "user=u-5005 consumer=erin" \
    "$(grep -o 'user=[^ ]* consumer=[^ ]*' "$D/body")"
check "the service never sees erin's token" "token=[]" \
    "$(grep -o 'token=\[[^]]*\]' "$D/body")"
check "the access log names the app's key" "dpop=$JKT" \
    "$(tail -1 "$GW/logs/access.log" | grep -o 'dpop=[^ ]*')"

echo "   a thief copies erin's token (from a log, say), and one whole request"
pay "the token as Bearer" -H "Authorization: Bearer $ERIN"
check "stolen token as Bearer: 401 unbound_token" "401 unbound_token" \
    "$s $(outcome)"

# the thief has a key of its own, and the current nonce (any answer has it)
$T keygen --type ed25519 --out "$K/thief.pem"
pay "the token, the thief's proof" -H "Authorization: DPoP $ERIN" \
    -H "DPoP: $(proof "$K/thief.pem" "$NONCE")"
check "stolen token, the thief's own proof: 401 dpop_key_mismatch" \
    "401 dpop_key_mismatch" "$s $(outcome)"

pay "the request replayed" -H "Authorization: DPoP $ERIN" -H "DPoP: $P"
check "the captured request replayed: 401 dpop_replay" "401 dpop_replay" \
    "$s $(outcome)"

echo
echo "11. the last access-log lines"
tail -5 "$GW/logs/access.log" | sed 's/^/   /'

echo
if [ "${KEEP:-0}" = 1 ]; then
    echo "The gateway keeps running (KEEP=1). Try:"
    echo "  curl -H \"Authorization: Bearer \$(cat $D/alice.token)\" $WEB/users/me"
    echo "Stop everything with: sh tools/demo.sh --stop $B"
    echo "$ALICE" > "$D/alice.token"
else
    stop_all
    echo "Stopped the gateway and the services."
fi

if [ "$FAILED" -ne 0 ]; then
    echo "demo: $FAILED scenario(s) did not behave as described"
    exit 1
fi

echo "demo: every scenario behaved as described"
