#!/bin/sh
# build.sh: configure and build Vireo out of tree in _build (warnings are errors).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] || NOCONFIGURE=1 ./autogen.sh
mkdir -p _build
cd _build
[ -f Makefile ] || ../configure --enable-werror --prefix="$top/_build/inst" -q
make -j"$(nproc)" -s
