#!/bin/bash
# Builds nginx 1.22.1 and the module with AddressSanitizer and
# UndefinedBehaviorSanitizer, for make test-asan:
#
#   bash tools/nginx-asan.sh BUILD_DIR
#
# BUILD_DIR may be relative to the current folder; the results are
# BUILD_DIR/asan/nginx/objs/nginx and ngx_http_authgw_module.so beside it.
#
# It installs what it needs when it is missing (as root; otherwise it
# prints the command): dpkg-dev for apt-get source, nginx-dev for Debian's
# configure flags and the libraries those flags use. The nginx source comes
# from Debian's source archive: a deb-src entry for the same archives as
# the deb ones is added if there is none, then apt-get source
# --download-only nginx. Only the upstream tarball (nginx_*.orig.tar.gz) is
# used. nginx is configured with Debian's flags and NGX_DEBUG_PALLOC, so
# that every pool allocation is its own malloc() and ASan sees overflows
# inside pools too.
#
# What is built is kept while what it is made from is unchanged, compared
# by content: a change to config, to Debian's flags or to this script
# configures and builds everything again (a few minutes); a change to the
# sources (src/, every ngx_http_authgw_*.c and ngx_http_authgw_*.h, added
# ones too) rebuilds the module only.

set -e

PKGS="dpkg-dev nginx-dev gcc make libpcre2-dev libssl-dev zlib1g-dev"
FLAGS=/usr/share/nginx/src/conf_flags

TOP=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1/asan"
A=$(cd "$1/asan" && pwd)


install_missing() {
    local p missing=""

    for p in $PKGS; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
             | grep -q "install ok installed"; then
            missing="$missing $p"
        fi
    done

    [ -z "$missing" ] && return 0

    if [ "$(id -u)" -ne 0 ]; then
        echo "nginx-asan: missing Debian packages; run:"
        echo "  sudo apt-get update && sudo apt-get install -y$missing"
        exit 1
    fi

    echo "nginx-asan: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
}


# a deb-src entry for the Debian archives of the deb entries, if none
add_deb_src() {
    local list=/etc/apt/sources.list.d/authgw-src

    if grep -qs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list \
            /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
    then
        return 0
    fi

    if [ "$(id -u)" -ne 0 ]; then
        echo "nginx-asan: no deb-src entry; as root this adds $list.*"
        exit 1
    fi

    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        sed -e 's/^Types: deb$/Types: deb-src/' \
            /etc/apt/sources.list.d/debian.sources > "$list.sources"
    else
        sed -n -e 's/^deb \(.*debian.*\)/deb-src \1/p' \
            /etc/apt/sources.list > "$list.list"
    fi

    echo "nginx-asan: added a deb-src entry: $(ls "$list".*)"
    apt-get update -qq > "$A/apt-update.log" 2>&1 \
        || echo "nginx-asan: apt-get update reported errors:" \
                "$A/apt-update.log"
}


fetch_source() {
    ls "$A"/src/nginx_*.orig.tar.gz > /dev/null 2>&1 && return 0

    add_deb_src
    mkdir -p "$A/src"

    # the Debian parts may be missing from a mirror; the orig tarball is
    # what is needed
    (cd "$A/src" && apt-get source --download-only nginx) \
        > "$A/apt-source.log" 2>&1 || true

    if ! ls "$A"/src/nginx_*.orig.tar.gz > /dev/null 2>&1; then
        echo "nginx-asan: apt-get source did not bring nginx_*.orig.tar.gz:"
        tail -5 "$A/apt-source.log"
        exit 1
    fi
}


# what a configure depends on, and what a build depends on, by content
configure_inputs() (
    cd "$TOP" && sha256sum tools/nginx-asan.sh config "$FLAGS" \
        && cd "$A/src" && ls nginx_*.orig.tar.gz
)


build_inputs() (
    cd "$TOP" && sha256sum config src/* ngx_http_authgw_*.[ch]
)


install_missing

if [ -x "$A/nginx/objs/nginx" ] \
   && [ -f "$A/nginx/objs/ngx_http_authgw_module.so" ] \
   && [ "$(configure_inputs)" = "$(cat "$A/configured" 2>/dev/null)" ] \
   && [ "$(build_inputs)" = "$(cat "$A/built" 2>/dev/null)" ]; then
    echo "nginx-asan: $A/nginx is up to date"
    exit 0
fi

start=$(date +%s)
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"

fetch_source

if [ ! -f "$A/nginx/objs/Makefile" ] \
   || [ "$(configure_inputs)" != "$(cat "$A/configured" 2>/dev/null)" ]; then
    echo "nginx-asan: configuring and building nginx with ASan (minutes)"
    rm -rf "$A/nginx" "$A/configured" "$A/built"
    mkdir -p "$A/nginx"
    tar -xzf "$A"/src/nginx_*.orig.tar.gz -C "$A/nginx" --strip-components=1

    . "$FLAGS"

    (cd "$A/nginx" && ./configure "${NGX_CONF_FLAGS[@]}" \
        --with-cc-opt="-g -O1 $SAN -DNGX_DEBUG_PALLOC=1" \
        --with-ld-opt="$SAN" \
        --add-dynamic-module="$TOP") > "$A/configure.log" 2>&1 \
        || { tail -20 "$A/configure.log"; exit 1; }

    configure_inputs > "$A/configured"

else
    # every object of the module again: a header that objs/Makefile does
    # not list as a dependency may be what changed
    echo "nginx-asan: rebuilding the module"
    find "$A/nginx/objs/addon" -name '*.o' -delete
    rm -f "$A/nginx/objs/ngx_http_authgw_module.so"
fi

make -C "$A/nginx" -f objs/Makefile -j"$(nproc)" > "$A/make.log" 2>&1 \
    || { tail -30 "$A/make.log"; exit 1; }

build_inputs > "$A/built"

echo "nginx-asan: built $A/nginx/objs/nginx and the module in" \
     "$(($(date +%s) - start)) s"
