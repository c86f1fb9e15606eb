#!/bin/sh
# Seed corpora for the fuzz targets, made with authgw-token from the test
# keys: sh t/fuzz/seeds.sh TOOL KEYS OUT

set -e

T=$1
K=$2
O=$3

rm -rf "$O"
mkdir -p "$O/token" "$O/keys" "$O/jwe" "$O/b64" "$O/diff" "$O/render" "$O/cache"

# each seed gets a file of its own: a counter would not do, since a seed
# function at the end of a pipeline runs in a subshell
seed() {
    # seed DIR FIRST-BYTE (octal) [data from stdin]
    { printf "\\$2"; cat; } > "$(mktemp "$O/$1/seed-XXXXXX")"
}

seed_plain() {
    # seed_plain DIR [data from stdin, as it is]
    cat > "$(mktemp "$O/$1/seed-XXXXXX")"
}

# whole tokens, as they are (first byte even)
for a in "HS256 hs256.key" "RS256 rsa.pem" "PS512 rsa.pem" "ES256 ec256.pem" \
         "ES384 ec384.pem" "ES512 ec521.pem" "EdDSA ed25519.pem"; do
    set -- $a
    $T sign --alg "$1" --key "$K/$2" --exp-in 300 --claim sub=a --claim aud=a \
        --claim iss=i | tr -d '\n' | seed token 000
done
$T sign --alg RS256 --key "$K/rsa.pem" --kid rsa-1 --exp-in 300 \
    --user-id alice --user-id-key "$K/uid32.key" --user-id-kid u1 \
    | tr -d '\n' | seed token 000
# header and payload JSON that the harness signs (first byte odd)
printf '{"alg":"HS256","kid":"hs"}\000{"sub":"a","exp":1800000100,"aud":["a","b"],"iss":"i","uid":"%s"}' \
    "$($T encrypt --key "$K/uid16.key" --enc A128GCM alice)" | seed token 017
printf '{"alg":"HS256"}\000{"exp":1.8e9,"nbf":0,"a":[{"b/c":1}]}' | seed token 001

# key files, with and without alg= (first byte)
for f in jwks.json rsa.pub.pem rsa.pub.pkcs1.pem rsa.crt rsa.jwk ec256.jwk \
         ec521.pub.pem ed25519.jwk oct.jwk uid.jwks bad-dupkid.json; do
    seed keys 000 < "$K/$f"
done
seed keys 001 < "$K/hs256.key"
seed keys 001 < "$K/uid32.key"

# user-id JWEs (first byte even) and plaintexts to encrypt (odd)
for a in "dir A128GCM uid16.key" "dir A256CBC-HS512 uid64.key" \
         "A128KW A192GCM uid16.key" "A192KW A128CBC-HS256 uid24.key" \
         "dir A256GCM uid32.key"; do
    set -- $a
    $T encrypt --key "$K/$3" --alg "$1" --enc "$2" user-42 | tr -d '\n' \
        | seed jwe 000
done
printf '\000user-42' | seed jwe 001
printf '\027j\303\266rg' | seed jwe 001

# base64url and JSON
printf 'eyJhbGciOiJIUzI1NiJ9' | seed b64 000
printf '{"a":[1,2.5,"x",true,null,{"b":"\\u00e9"}]}' | seed b64 173
printf 'theme=dark; AT =eyJ.x.y;b=2,at=z; atx=1' | seed b64 001
printf 'https://ID.example.com:443/r/certs?x=1' | seed_plain b64
printf '{"issuer":"https://id.example.com/r","jwks_uri":"https://k.example/keys"}' | seed_plain b64
printf '{"sub":"a","aud":["iss"],"iss":"https:\/\/id.example.com\/r"}' | seed_plain b64

# differential: header and payload for HS256, RS256, ES256
printf '{"alg":"HS256","typ":"JWT"}\000{"sub":"a"}' | seed diff 000
printf '{"alg":"RS256"}\000{"sub":"a","exp":1}' | seed diff 001
printf '{"alg":"ES256","kid":"x"}\000{"aud":["a"]}' | seed diff 002

# claims sets to render (as they are): the numbers of issue 10, control
# bytes in strings, array elements, member names and nested values
printf '{"roles":["abcdefgh",12345678901234568.0]}' | seed_plain render
printf '{"a":[1e15,1234567890123456.7,99999999999999984.0,-1e16,0.1]}' \
    | seed_plain render
printf '{"s":"a\\r\\nb","t":"\\u0000","d":"x\177y","e":["ok","\\t"]}' \
    | seed_plain render
printf '{"o":{"k\177":["\\u001f",{"n":"\177"}]},"p":[[1],"\\u007f"]}' \
    | seed_plain render
printf '{"sub":"u","aud":["a","b"],"n":{"x":1.5,"y":null},"b":[true,null]}' \
    | seed_plain render
printf '{"e":[],"f":{},"g":[""],"h":["",""],"u":"\\u00e9\\ud83d\\ude00"}' \
    | seed_plain render

# the cache target reads its first byte as the token target does; its other
# bits choose the rules: the token seeds under each of them
for f in "$O"/token/seed-*; do
    for b in 000 002 004 006 012 022 044 074 146 200 232; do
        { printf "\\$b"; tail -c +2 "$f"; } > "$(mktemp "$O/cache/seed-XXXXXX")"
    done
done
# kid-less tokens that the harness signs, which fit several HS256 keys
for b in 001 003 005 007 201 203 245; do
    printf '{"alg":"HS256"}\000{"sub":"a","exp":1800000100,"iss":"i"}' \
        | seed cache "$b"
done
