#!/bin/sh
# Makes every key the suites use, with the project's own tool:
#   sh t/gen-keys.sh build/authgw-token build/keys
# Keys are made once; delete the folder to make new ones.

set -e

# absolute paths: the keys are made from inside the folder
T=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
mkdir -p "$2"
D=$(cd "$2" && pwd)

# encodings derived from the keys made below, made where missing, so that
# a keys folder from before they were added gets them too (written under a
# temporary name: a suite running meanwhile never reads half a file)
derive() {
    if [ ! -f "$D/rsa.crt.der" ]; then
        openssl x509 -in "$D/rsa.crt" -outform DER -out "$D/rsa.crt.der.$$"
        mv "$D/rsa.crt.der.$$" "$D/rsa.crt.der"
    fi
}

if [ -f "$D/.done" ]; then
    derive
    exit 0
fi

rm -rf "$D"
mkdir -p "$D"
cd "$D"

# HMAC secrets: raw files (one per hash size) and an oct JWK
$T keygen --type oct --size 32 --out hs256.key
$T keygen --type oct --size 48 --out hs384.key
$T keygen --type oct --size 64 --out hs512.key
$T pubkey --oct --key hs512.key --format jwk --kid oct-1 > oct.jwk

# one key of each asymmetric type, public part as PEM and JWK
$T keygen --type rsa --bits 2048 --out rsa.pem --pub rsa.pub.pem
$T keygen --type rsa --bits 2048 --out rsa2.pem --pub rsa2.pub.pem
$T keygen --type ec --crv P-256 --out ec256.pem --pub ec256.pub.pem
$T keygen --type ec --crv P-384 --out ec384.pem --pub ec384.pub.pem
$T keygen --type ec --crv P-521 --out ec521.pem --pub ec521.pub.pem
$T keygen --type ed25519 --out ed25519.pem --pub ed25519.pub.pem

for k in rsa rsa2 ec256 ec384 ec521 ed25519; do
    $T pubkey --key $k.pem --format jwk > $k.jwk
    $T pubkey --key $k.pem --format der > $k.pub.der
done

# the other encodings of a public key: PKCS#1 and an X.509 certificate
$T pubkey --key rsa.pem --format rsapem > rsa.pub.pkcs1.pem
openssl req -x509 -new -key rsa.pem -subj /CN=authgw-test -days 3650 \
    -out rsa.crt 2>/dev/null
# a PEM without its final newline (a common HMAC confusion variant)
head -c -1 rsa.pub.pem > rsa.pub.nonl.pem

# a JWKS with a kid for each key
$T pubkey --key rsa.pem --format jwk --kid rsa-1 > k-rsa.jwk
$T pubkey --key rsa2.pem --format jwk --kid rsa-2 > k-rsa2.jwk
$T pubkey --key ec256.pem --format jwk --kid ec-1 > k-ec.jwk
$T pubkey --key ed25519.pem --format jwk --kid ed-1 > k-ed.jwk
$T jwks k-rsa.jwk k-rsa2.jwk k-ec.jwk k-ed.jwk oct.jwk > jwks.json

# user-id keys: raw files of each size, and a JWKS with kids
for n in 16 24 32 48 64; do
    $T keygen --type oct --size $n --out uid$n.key
done
$T keygen --type oct --size 32 --out uid32b.key
$T pubkey --oct --key uid32.key --format jwk --kid u1 --use enc > k-u1.jwk
$T pubkey --oct --key uid32b.key --format jwk --kid u2 --use enc > k-u2.jwk
$T jwks k-u1.jwk k-u2.jwk > uid.jwks
$T keygen --type oct --size 20 --out bad-uid20.key
# RFC 7520 section 5.6: the key of its dir + A128GCM example (a known answer)
printf '%s' '{"kty":"oct","kid":"77c7e2b8-6e13-45cf-8672-617b5b45243a","use":"enc","alg":"A128GCM","k":"XctOhJAkA-pD9Lh7ZgW_2A"}' > rfc7520-jwe.jwk

# bad key files, each refused by nginx -t with its reason
: > bad-empty.key
echo "this is not a key" > bad-garbage.key
$T keygen --type rsa --bits 1024 --out rsa1024.pem --pub bad-rsa1024.pub.pem
$T keygen --type oct --size 16 --out bad-short.key
$T jwks k-rsa.jwk k-rsa.jwk > bad-dupkid.json
$T pubkey --key rsa.pem --format jwks --use enc > bad-enc-only.json
printf '{"kty":"oct","k":"AAAA","k":"AAAA"}' > bad-dupmember.jwk
printf '{"kty":"RSA","n":"AQAB"' > bad-truncated.jwk

touch .done
derive
