#!/bin/sh
# make test-deb: builds the Debian packages (tools/deb.sh), runs lintian on
# them, installs them on this machine with apt-get, checks that Debian's
# nginx loads the module through /etc/nginx/modules-enabled and answers a
# request with a token, then removes them and checks that nothing of them
# is left. It needs root (apt-get, dpkg):
#
#   sh tools/test-deb.sh BUILD_DIR
#
# The machine's own nginx service is never started, stopped or reloaded
# by this script: the nginx it runs is /usr/sbin/nginx with its own prefix
# (BUILD_DIR/deb/nginx), configuration, pid and logs, on 127.0.0.1:18600
# and 18601 only. (dpkg's nginx-reload trigger, which every libnginx-mod
# package pulls on installation and removal, reloads that service if it is
# running: that is Debian's behaviour, not this script's.)
#
# Packages installed before are left installed; after the purge, the
# packages installed are those installed before the test. A package of
# authgw already installed is a machine in use: the test stops and says
# so, unless FORCE=1 (then it is purged first, so that the one just built
# is the one tested; it is not put back). The packaging tools that
# tools/deps.sh deb installs (lintian and its kin) stay installed.

set -e

MOD=libnginx-mod-http-authgw
TOOLPKG=authgw-token
ENABLED=/etc/nginx/modules-enabled/50-mod-http-authgw.conf
AVAILABLE=/usr/share/nginx/modules-available/mod-http-authgw.conf
PORT=18600
BACKEND=18601

if [ "$(id -u)" -ne 0 ]; then
    echo "test-deb: needs root: it installs the packages with apt-get,"
    echo "runs nginx with them and removes them (run it as root, or sudo)"
    exit 1
fi

TOP=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
B=$(cd "$1" && pwd)
D=$B/deb
N=$D/nginx
FAILED=0

export DEBIAN_FRONTEND=noninteractive
# apt-get waits for another apt-get or dpkg (make deps elsewhere) instead
# of failing at once on its lock
APT="apt-get -q -y -o DPkg::Lock::Timeout=300"

check() {
    # check WHAT EXPECTED GOT
    if [ "$2" = "$3" ]; then
        printf '   ok: %s\n' "$1"
    else
        printf '   FAILED: %s (expected %s, got %s)\n' "$1" "$2" "$3"
        FAILED=$((FAILED + 1))
    fi
}

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null \
        | grep -q "install ok installed"
}

# in any state but not-installed: unpacked, half-configured, config-files...
present() {
    st=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)
    [ -n "$st" ] && [ "${st##* }" != "not-installed" ]
}

installed_list() {
    dpkg-query -W -f='${Package}:${Architecture} ${Status}\n' \
        | awk '$NF == "installed" { print $1 }' | sort
}

stop_nginx() {
    if [ -f "$N/nginx.pid" ]; then
        kill -QUIT "$(cat "$N/nginx.pid")" 2>/dev/null || true
        i=0
        while [ -f "$N/nginx.pid" ] && [ $i -lt 50 ]; do
            sleep 0.1
            i=$((i + 1))
        done
    fi
}

purge() {
    $APT purge $MOD $TOOLPKG > "$D/purge.log" 2>&1 \
        || { cat "$D/purge.log"; exit 1; }
}

# whatever happens, the test nginx does not outlive the script; after a
# failure the packages are removed too, so that the machine is as before
cleanup() {
    rc=$?
    stop_nginx
    if [ $rc -ne 0 ] && [ -n "$TESTED" ] \
       && { present $MOD || present $TOOLPKG; }; then
        echo "test-deb: failed; removing $MOD and $TOOLPKG"
        purge
    fi
}

TESTED=
trap cleanup EXIT
trap 'exit 1' INT TERM

# someone's own authgw is not this test's to take away
if { present $MOD || present $TOOLPKG; } && [ "${FORCE:-0}" != 1 ]; then
    echo "test-deb: $MOD or $TOOLPKG is already installed on this machine;"
    echo "          run with FORCE=1 to purge it and test the one built here"
    exit 1
fi

sh "$TOP/tools/deps.sh" deb
sh "$TOP/tools/deb.sh" "$B"

V=$(cd "$TOP" && dpkg-parsechangelog -S Version)
ARCH=$(dpkg --print-architecture)
DEBS="$D/${MOD}_${V}_$ARCH.deb $D/${TOOLPKG}_${V}_$ARCH.deb"


echo "== lintian (fails on an error; every tag is shown)"
rc=0
lintian --fail-on error --display-info --pedantic \
    "$D/authgw_${V}_$ARCH.changes" > "$D/lintian.log" 2>&1 || rc=$?
# it warns that it runs as root, which this test must
grep -v '^running with root privileges' "$D/lintian.log" || true
if [ $rc -ne 0 ]; then
    echo "test-deb: lintian reports errors (or failed: status $rc)"
    exit 1
fi
echo "   ok: no lintian error"


echo "== install"
if present $MOD || present $TOOLPKG; then
    echo "   an authgw package is already installed (FORCE=1): purging it"
    purge
fi

installed_list > "$D/before.list"
TESTED=1
$APT install $DEBS > "$D/install.log" 2>&1 \
    || { cat "$D/install.log"; exit 1; }

check "$MOD installed" yes "$(installed $MOD && echo yes || echo no)"
check "$TOOLPKG installed" yes \
    "$(installed $TOOLPKG && echo yes || echo no)"
check "the module in nginx's module directory" yes \
    "$(test -f /usr/lib/nginx/modules/ngx_http_authgw_module.so \
       && echo yes || echo no)"
check "its load file in modules-available" \
    "load_module modules/ngx_http_authgw_module.so;" \
    "$(cat $AVAILABLE 2>/dev/null)"
check "enabled: $ENABLED links to it" "$AVAILABLE" \
    "$(readlink $ENABLED || echo none)"
check "Depends names the nginx ABI it was built for" yes \
    "$(dpkg-query -W -f='${Depends}' $MOD | grep -q 'nginx-abi-' \
       && echo yes || echo no)"
check "authgw-token in /usr/bin" /usr/bin/authgw-token \
    "$(command -v authgw-token)"
check "authgw-token's manual page" yes \
    "$(test -f /usr/share/man/man1/authgw-token.1.gz \
       && echo yes || echo no)"

# the file lists, for the check after the purge
dpkg -L $MOD $TOOLPKG | sort -u > "$D/files.list"


echo "== Debian's nginx with the module, on 127.0.0.1:$PORT"
# keys and tokens made by the installed tool
rm -rf "$N"
mkdir -p "$N/logs" "$N/tmp"
/usr/bin/authgw-token keygen --type oct --size 32 --out "$N/hs256.key"
/usr/bin/authgw-token keygen --type oct --size 32 --out "$N/other.key"
TOKEN=$(/usr/bin/authgw-token sign --alg HS256 --key "$N/hs256.key" \
        --exp-in 60 --claim sub=alice)
FORGED=$(/usr/bin/authgw-token sign --alg HS256 --key "$N/other.key" \
         --exp-in 60 --claim sub=alice)

# The load file names the module relative to nginx's prefix, which for
# Debian's nginx is /usr/share/nginx, where nginx-common links modules to
# /usr/lib/nginx/modules; this prefix gets the same link. The modules are
# loaded as Debian's /etc/nginx/nginx.conf loads them, by including
# modules-enabled: nothing else loads authgw.
ln -s /usr/share/nginx/modules "$N/modules"

cat > "$N/nginx.conf" << EOF
include /etc/nginx/modules-enabled/*.conf;

error_log $N/logs/error.log info;
pid $N/nginx.pid;
worker_processes 1;

events {
    worker_connections 64;
}

http {
    access_log $N/logs/access.log;
    client_body_temp_path $N/tmp;
    proxy_temp_path $N/tmp;
    fastcgi_temp_path $N/tmp;
    uwsgi_temp_path $N/tmp;
    scgi_temp_path $N/tmp;

    server {
        listen 127.0.0.1:$PORT;

        location / {
            authgw "deb";
            authgw_key_file $N/hs256.key alg=HS256;
            authgw_set_header X-User \$authgw_claim_sub;
            proxy_pass http://127.0.0.1:$BACKEND;
        }
    }

    # the service behind it: what it was told about the user
    server {
        listen 127.0.0.1:$BACKEND;

        location / {
            return 200 "user=\$http_x_user\n";
        }
    }
}
EOF

if ! /usr/sbin/nginx -p "$N/" -c "$N/nginx.conf" -t > "$N/t.log" 2>&1; then
    cat "$N/t.log"
    echo "test-deb: nginx -t failed with the installed module"
    exit 1
fi
echo "   ok: nginx -t with the module loaded from modules-enabled"

/usr/sbin/nginx -p "$N/" -c "$N/nginx.conf"
i=0
while [ ! -f "$N/nginx.pid" ] && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done

URL=http://127.0.0.1:$PORT/orders
# a token, and an X-User header of the client's that must not go on
check "a valid token: 200, the upstream gets its subject" "200 user=alice" \
    "$(curl -s -w '%{http_code} ' -o "$N/body" -H 'X-User: mallory' \
       -H "Authorization: Bearer $TOKEN" "$URL")$(cat "$N/body")"
check "no token: 401 Bearer realm=\"deb\"" \
    "401 Bearer realm=\"deb\"" \
    "$(curl -s -D "$N/head" -o /dev/null -w '%{http_code}' "$URL") $(
       sed -n 's/^WWW-Authenticate: \(.*\)\r$/\1/p' "$N/head")"
check "a token signed with another key: 401" 401 \
    "$(curl -s -o /dev/null -w '%{http_code}' \
       -H "Authorization: Bearer $FORGED" "$URL")"

stop_nginx
check "the test nginx stopped" gone \
    "$(test -f "$N/nginx.pid" && echo running || echo gone)"


echo "== removal"
# remove, as Debian's modules do, renames the link to .removed: disabled,
# and enabled again if the package is installed again
$APT remove $MOD > "$D/remove.log" 2>&1 || { cat "$D/remove.log"; exit 1; }
check "removed: $ENABLED is gone" gone \
    "$(test -e $ENABLED || test -L $ENABLED && echo present || echo gone)"
check "removed: the link kept as .removed" "$AVAILABLE" \
    "$(readlink $ENABLED.removed || echo none)"

purge
check "$MOD purged" no "$(dpkg -s $MOD > /dev/null 2>&1 && echo yes || echo no)"
check "$TOOLPKG purged" no \
    "$(dpkg -s $TOOLPKG > /dev/null 2>&1 && echo yes || echo no)"
check "purged: no link in modules-enabled" none \
    "$(ls /etc/nginx/modules-enabled | grep authgw || echo none)"

# a path of the packages that still exists and that no other package owns
left=""
while read -r f; do
    if [ -e "$f" ] && ! dpkg -S "$f" > /dev/null 2>&1; then
        left="$left $f"
    fi
done << EOF
$(grep -v '^/\.$' "$D/files.list")
EOF
check "no file of the packages left" "" "$left"

installed_list > "$D/after.list"
check "the packages installed are those installed before" "" \
    "$(comm -13 "$D/before.list" "$D/after.list" | tr '\n' ' ')"


if [ $FAILED -ne 0 ]; then
    echo "test-deb: $FAILED check(s) failed"
    exit 1
fi

echo "test-deb: all checks passed"
