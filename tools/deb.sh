#!/bin/sh
# make deb: the Debian packages of debian/, libnginx-mod-http-authgw (the
# module, enabled in Debian's nginx on installation) and authgw-token:
#
#   sh tools/deb.sh BUILD_DIR
#
# The results are BUILD_DIR/deb/*.deb, with the .changes and .buildinfo
# of the build and its log (build.log). dpkg-buildpackage writes them
# beside the source tree it builds, so the tree is copied to
# BUILD_DIR/deb/authgw-VERSION first and built there: nothing is written
# outside BUILD_DIR, and the working tree's own build/ is not touched. The
# copy is the files git tracks, as they are in the working tree: an
# uncommitted change to them is packaged, an untracked file is not.
#
# Debug symbol packages (-dbgsym) are not made (noautodbgsym): the build
# folder then holds only what `apt-get install ./build/deb/*.deb` should
# install.

set -e

TOP=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
D=$(cd "$1" && pwd)/deb
V=$(cd "$TOP" && dpkg-parsechangelog -S Version)
S=$D/authgw-$V

# a previous build's packages would be installed along with this one's
rm -rf "$D"
mkdir -p "$S"

# a file deleted but not yet committed is left out rather than failing
cd "$TOP"
git ls-files | while read -r f; do
    if [ -e "$f" ]; then
        echo "$f"
    fi
done | tar -cf - -T - | tar -xf - -C "$S"

echo "deb: building $V in $S (log: $D/build.log)"
cd "$S"
if ! DEB_BUILD_OPTIONS="noautodbgsym $DEB_BUILD_OPTIONS" \
     dpkg-buildpackage -b -us -uc > "$D/build.log" 2>&1
then
    tail -40 "$D/build.log"
    echo "deb: dpkg-buildpackage failed; the whole log is $D/build.log"
    exit 1
fi

ls "$D"/*.deb
