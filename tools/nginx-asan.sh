#!/bin/sh
# Builds nginx 1.22.1 and the module with AddressSanitizer and
# UndefinedBehaviorSanitizer, for make test-asan:
#
#   sh tools/nginx-asan.sh BUILD_DIR
#
# The nginx source comes from Debian's source archive: a deb-src entry for
# the same archives as the deb ones is added if missing (as root), then
# apt-get source --download-only nginx. Only the upstream tarball
# (nginx_*.orig.tar.gz) is used. nginx is configured with Debian's flags
# and NGX_DEBUG_PALLOC, so that every pool allocation is its own malloc()
# and ASan sees overflows inside pools too.

set -e

B=$1
A=$B/asan
TOP=$(pwd)

if [ -x "$A/nginx/objs/nginx" ] && [ -f "$A/nginx/objs/ngx_http_authgw_module.so" ] \
   && [ -z "$(find src ngx_http_authgw_module.c config -newer "$A/nginx/objs/ngx_http_authgw_module.so")" ]; then
    exit 0
fi

mkdir -p "$A/src"

if ! ls "$A"/src/nginx_*.orig.tar.gz >/dev/null 2>&1; then
    list=/etc/apt/sources.list.d/authgw-src.sources
    if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list \
             /etc/apt/sources.list.d/; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "nginx-asan: no deb-src entry; as root this adds $list"
            exit 1
        fi
        sed -e 's/^Types: deb$/Types: deb-src/' \
            /etc/apt/sources.list.d/debian.sources > "$list"
        apt-get update -qq
    fi
    # the Debian parts may be missing from a mirror; the orig tarball is
    # what is needed
    (cd "$A/src" && apt-get source --download-only nginx >/dev/null 2>&1) || true
    ls "$A"/src/nginx_*.orig.tar.gz >/dev/null 2>&1 || {
        echo "nginx-asan: apt-get source did not bring nginx_*.orig.tar.gz"
        exit 1
    }
fi

rm -rf "$A/nginx"
mkdir -p "$A/nginx"
tar -xzf "$A"/src/nginx_*.orig.tar.gz -C "$A/nginx" --strip-components=1

. /usr/share/nginx/src/conf_flags

SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"

cd "$A/nginx"
./configure "${NGX_CONF_FLAGS[@]}" \
    --with-cc-opt="-g -O1 $SAN -DNGX_DEBUG_PALLOC=1" \
    --with-ld-opt="$SAN" \
    --add-dynamic-module="$TOP" > "$A/configure.log" 2>&1 \
    || { tail -20 "$A/configure.log"; exit 1; }
make -j2 > "$A/make.log" 2>&1 || { tail -30 "$A/make.log"; exit 1; }

echo "nginx-asan: built $A/nginx/objs/nginx and the module"
