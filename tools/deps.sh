#!/bin/sh
# Installs the Debian packages that authgw needs to build, test and demo;
# `sh tools/deps.sh deb` also those that make deb and make test-deb need.
# As root with something missing: apt-get installs it. Otherwise it prints
# the exact command to run.

set -e

# python3-jwcrypto and node-jose (panva's jose, run by nodejs with
# NODE_PATH=/usr/share/nodejs) are the implementations independent of
# authgw that the suites hold its tokens and DPoP proofs to; apache2-utils
# is make bench's ab, the one load tool packaged here that presents a TLS
# client certificate (-E; wrk, h2load and hey do not), about 1 MB
PKGS="build-essential nginx nginx-dev libssl-dev libjansson-dev libjwt-dev
libcmocka-dev libtest-base-perl openssl libtext-diff-perl liburi-perl
python3-jwcrypto nodejs node-jose curl clang libclang-rt-14-dev
valgrind wrk gnuplot-nox openssl util-linux time
linux-perf apache2-utils"

# the packaging tools only for make deb and make test-deb: lintian alone
# brings some 120 packages, half a minute that make test need not wait for
# (debhelper and dpkg-dev come with nginx-dev anyway; no fakeroot: the
# build declares Rules-Requires-Root: no)
if [ "$1" = deb ]; then
    PKGS="$PKGS dpkg-dev debhelper lintian git"
fi

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
         | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "deps: missing Debian packages; run:"
    echo "  sudo apt-get update && sudo apt-get install -y$missing"
    exit 1
fi
