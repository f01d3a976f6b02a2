#!/bin/sh
# Regenerate the build system: ./autogen.sh [configure args...]
set -e
srcdir=$(dirname "$0")
cd "$srcdir"
autoreconf --install --force
if [ "$#" -gt 0 ] || [ -z "$NOCONFIGURE" ]; then
    cd - >/dev/null
    "$srcdir/configure" "$@"
fi
