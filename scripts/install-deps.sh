#!/bin/sh
# install-deps.sh: install everything Vireo needs to build and test on Debian 12.
# Run as root.  Safe to run again; it only installs what is missing.
set -eu

PKGS="build-essential autoconf automake libtool pkg-config rpcsvc-proto
libglib2.0-dev libxml2-dev libxml2-utils libtirpc-dev libnl-3-dev libnl-route-3-dev
libyajl-dev libcmocka-dev libreadline-dev
libvirt-clients python3-libvirt python3 procps
qemu-system-x86 qemu-utils cpio xz-utils zstd
nftables dnsmasq-base iproute2 iputils-ping netcat-openbsd
openssh-server openssh-client dbus polkitd bc"

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps.sh: run as root (it installs Debian packages with apt-get)" >&2
    exit 1
fi
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "install-deps.sh: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
# The unprivileged account QEMU runs as in system mode (configure --with-qemu-user).
if ! getent passwd vireo-qemu >/dev/null; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
        --user-group vireo-qemu
    echo "install-deps.sh: created system user vireo-qemu"
fi
