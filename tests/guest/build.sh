#!/bin/bash
# tests/guest/build.sh [OUTDIR]: builds the small Linux guest that the
# integration tests and the demo boot under QEMU (TCG).
#
# Output: OUTDIR/vmlinuz and OUTDIR/initrd.img (OUTDIR defaults to
# $VIREO_GUEST_DIR, else /var/cache/vireo-test-guest), plus OUTDIR/stamp.
# Inputs: Debian's kernel (the versioned package linux-image-amd64 depends
# on) and busybox-static, fetched with `apt-get download` and unpacked with
# `dpkg-deb -x` (nothing is installed on the host), and init.sh and
# udhcpc.script beside this file.  The result is reused while the stamp
# (package versions + hash of the scripts) matches: "guest: cached (...)".
# Needs root (apt), cpio and gzip; installs cpio when missing.
#
# Boot it with: -kernel OUTDIR/vmlinuz -initrd OUTDIR/initrd.img
#   -append 'console=ttyS0 quiet panic=-1' -m 128 (at least 96 MiB)
# See init.sh for the console protocol (VIREO-GUEST-READY...).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-${VIREO_GUEST_DIR:-/var/cache/vireo-test-guest}}
inputs=("$here/build.sh" "$here/init.sh" "$here/udhcpc.script")
# Wanted modules; their dependencies are added, built-in ones skipped.
modules=(virtio_pci virtio_blk virtio_net net_failover virtio_console
         virtio_rng virtio_balloon button evdev e1000)

log() { echo "guest: $*"; }
die() { echo "guest: error: $*" >&2; exit 1; }

ensure_tool() { # TOOL PACKAGE
    command -v "$1" >/dev/null 2>&1 && return 0
    log "installing $2"
    apt-get install -y -q "$2" >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
          apt-get install -y -q "$2" >/dev/null 2>&1; } ||
        die "cannot install $2"
}

pkg_version() { # PACKAGE -> candidate version (empty when unknown)
    apt-cache show --no-all-versions "$1" 2>/dev/null |
        sed -n 's/^Version: //p' | head -n1
}

# Sets kpkg, kver, bver from the apt lists; fails when they are unknown.
resolve() {
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' |
        head -n1)
    [ -n "$kpkg" ] || return 1
    kver=$(pkg_version "$kpkg")
    bver=$(pkg_version busybox-static)
    [ -n "$kver" ] && [ -n "$bver" ]
}

stamp_line() {
    local h
    h=$(cat "${inputs[@]}" | sha256sum | cut -c1-16)
    echo "kernel=${kpkg}_${kver} busybox=${bver} inputs=${h}"
}

download() { # DIR
    (cd "$1" && apt-get download -q -o APT::Sandbox::User=root \
        "${kpkg}=${kver}" "busybox-static=${bver}" >/dev/null 2>&1)
}

# --- module dependency resolution -------------------------------------
declare -A modpath=() seen=()
load_order=()

norm() { echo "${1//-/_}"; }

index_modules() { # MODDIR
    local f b
    while IFS= read -r f; do
        b=${f##*/}
        b=${b%%.ko*}
        modpath[$(norm "$b")]=$f
    done < <(find "$1" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' \
                 -o -name '*.ko.gz')
}

cat_module() { # FILE: the uncompressed module on stdout
    case "$1" in
    *.xz) xz -dc "$1" ;;
    *.zst) ensure_tool zstd zstd && zstd -qdc "$1" ;;
    *.gz) gzip -dc "$1" ;;
    *) cat "$1" ;;
    esac
}

module_deps() { # FILE: names from the modinfo "depends=" field
    cat_module "$1" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n1 |
        tr ',' ' '
}

add_module() { # NAME (recursive, appends to load_order after its deps)
    local n f d
    n=$(norm "$1")
    [ -z "${seen[$n]:-}" ] || return 0
    seen[$n]=1
    if grep -q "/$n\.ko" "$builtin_list"; then
        log "module $n is built in"
        return 0
    fi
    f=${modpath[$n]:-}
    [ -n "$f" ] || die "module $n not found in the kernel package"
    for d in $(module_deps "$f"); do
        add_module "$d"
    done
    load_order+=("$f")
}

# --- initramfs ---------------------------------------------------------
make_root() { # ROOT MODDIR BBROOT
    local root=$1 moddir=$2 bb=$3/bin/busybox a f b
    mkdir -p "$root"/{bin,dev,etc/acpi/PWRF,lib/modules,proc,root,run,sys,tmp}
    mkdir -p "$root/usr"
    ln -s bin "$root/sbin"
    ln -s ../bin "$root/usr/bin"
    ln -s ../bin "$root/usr/sbin"
    install -m 0755 "$bb" "$root/bin/busybox"
    for a in $("$bb" --list); do
        [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
    done
    install -m 0755 "$here/init.sh" "$root/init"
    install -m 0755 "$here/udhcpc.script" "$root/etc/udhcpc.script"
    printf '#!/bin/sh\npoweroff -f\n' >"$root/etc/acpi/PWRF/00000080"
    chmod 0755 "$root/etc/acpi/PWRF/00000080"
    echo 'PWRF PWRF/00000080' >"$root/etc/acpid.conf"
    echo vireo-guest >"$root/etc/hostname"
    echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
    echo 'root:x:0:' >"$root/etc/group"
    echo "127.0.0.1 localhost" >"$root/etc/hosts"
    echo "$stamp" >"$root/etc/vireo-guest-release"
    if [ "$(id -u)" = 0 ]; then
        mknod -m 0600 "$root/dev/console" c 5 1
    fi
    index_modules "$moddir"
    builtin_list="$moddir/modules.builtin"
    [ -f "$builtin_list" ] || die "no modules.builtin in the kernel package"
    for a in "${modules[@]}"; do
        add_module "$a"
    done
    : >"$root/lib/modules/load.order"
    for f in "${load_order[@]}"; do
        b=${f##*/}
        b=${b%%.ko*}.ko
        cat_module "$f" >"$root/lib/modules/$b"
        echo "$b" >>"$root/lib/modules/load.order"
    done
    log "modules: $(tr '\n' ' ' <"$root/lib/modules/load.order")"
}

pack_root() { # ROOT OUTFILE: reproducible newc cpio, gzip
    (cd "$1" &&
        find . -exec touch -h -d @0 {} + &&
        find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc --reproducible -R 0:0 | gzip -n -9) >"$2"
}

build() { # TMP
    local tmp=$1 kroot=$1/kernel bbroot=$1/busybox vmlinuz krel moddir
    mkdir -p "$tmp/debs" "$kroot" "$bbroot"
    if ! download "$tmp/debs"; then
        log "download failed; running apt-get update"
        apt-get update -q >/dev/null 2>&1 || die "apt-get update failed"
        resolve || die "cannot resolve linux-image-amd64 / busybox-static"
        stamp=$(stamp_line)
        download "$tmp/debs" || die "apt-get download failed"
    fi
    dpkg-deb -x "$tmp"/debs/linux-image-*.deb "$kroot"
    dpkg-deb -x "$tmp"/debs/busybox-static_*.deb "$bbroot"
    vmlinuz=$(ls "$kroot"/boot/vmlinuz-* | head -n1)
    krel=${vmlinuz##*/vmlinuz-}
    moddir=$kroot/lib/modules/$krel
    [ -d "$moddir" ] || moddir=$kroot/usr/lib/modules/$krel
    [ -d "$moddir" ] || die "no modules for $krel"
    make_root "$tmp/root" "$moddir" "$bbroot"
    pack_root "$tmp/root" "$tmp/initrd.img"
    install -m 0644 "$vmlinuz" "$out/.vmlinuz.new"
    install -m 0644 "$tmp/initrd.img" "$out/.initrd.img.new"
    mv -f "$out/.vmlinuz.new" "$out/vmlinuz"
    mv -f "$out/.initrd.img.new" "$out/initrd.img"
    echo "$stamp" >"$out/.stamp.new"
    mv -f "$out/.stamp.new" "$out/stamp"
}

tmp=
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

main() {
    local start
    start=$(date +%s)
    ensure_tool cpio cpio
    ensure_tool gzip gzip
    ensure_tool xz xz-utils
    mkdir -p "$out"
    exec 9>"$out/.lock"
    flock 9
    if ! resolve; then
        log "package lists incomplete; running apt-get update"
        apt-get update -q >/dev/null 2>&1 || die "apt-get update failed"
        resolve || die "cannot resolve linux-image-amd64 / busybox-static"
    fi
    stamp=$(stamp_line)
    if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ] &&
       [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
        log "cached ($stamp)"
        return 0
    fi
    log "building ($stamp) in $out"
    tmp=$(mktemp -d /tmp/vireo-guest-build.XXXXXX)
    build "$tmp"
    log "built in $(($(date +%s) - start)) s: vmlinuz $(($(stat -c %s \
"$out/vmlinuz") / 1024)) KiB, initrd.img $(($(stat -c %s \
"$out/initrd.img") / 1024)) KiB"
}

main
