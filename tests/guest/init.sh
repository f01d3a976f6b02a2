#!/bin/sh
# /init of the Vireo test guest (copied into the initramfs by build.sh).
#
# Runs as PID 1 (busybox sh), then execs busybox init.  What tests can rely
# on, all on the serial console /dev/ttyS0:
#   VIREO-GUEST-READY              once booted (modules loaded, power button
#                                  handler running, shell about to start)
#   VIREO-GUEST-IP <iface> <addr>  when udhcpc obtains (or renews) a lease
#   VIREO-COUNT <n>                every second, only with vireo.counter=1 on
#                                  the kernel command line
#   VIREO-GUEST-WARN <text>        something went wrong (module not loaded...)
# Every marker starts a line; the ones from background jobs (IP, COUNT) are
# preceded by an empty line, since they may arrive while a prompt is shown.
# After the marker busybox init runs a root shell on the serial console
# (respawned when it exits).  The ACPI power button (QEMU's
# system_powerdown, libvirt's "shutdown") powers the guest off at once.
# Kernel command line used by the tests: console=ttyS0 quiet panic=-1

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
umask 022
con=/dev/ttyS0

mkdir -p /proc /sys /dev /tmp /run /root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
[ -c "$con" ] || con=/dev/console

say() {
    echo "$*" >"$con"
}

# For messages from background jobs: start on a fresh line even when the
# shell prompt is pending, so that every marker begins a line.
say_line() {
    printf '\n%s\n' "$*" >"$con"
}

# Modules, in dependency order (computed at build time).
while read -r mod; do
    [ -n "$mod" ] || continue
    insmod "/lib/modules/$mod" 2>/dev/null ||
        say "VIREO-GUEST-WARN insmod $mod failed"
done </lib/modules/load.order

hostname "$(cat /etc/hostname 2>/dev/null || echo vireo-guest)"

# Power button -> poweroff -f.  busybox acpid reads /dev/input/event*
# (the "Power Button" device from the button module via evdev).
power_button_loop() {
    # Fallback when acpid is missing: any event from the power button.
    for d in /sys/class/input/event*; do
        [ -e "$d/device/name" ] || continue
        case "$(cat "$d/device/name")" in
        "Power Button")
            dev=/dev/input/${d##*/}
            dd if="$dev" bs=24 count=1 >/dev/null 2>&1 && poweroff -f
            ;;
        esac
    done
}
if [ -e /bin/acpid ]; then
    acpid -c /etc/acpi -a /etc/acpid.conf -l /dev/null ||
        say "VIREO-GUEST-WARN acpid failed"
elif [ -e /proc/acpi/event ]; then
    (while read -r line; do
        case "$line" in *PWRF*|*button/power*) poweroff -f ;; esac
    done </proc/acpi/event) &
else
    power_button_loop &
fi

# Networking in the background so that the marker is not delayed.
ip link set lo up
for path in /sys/class/net/eth*; do
    [ -e "$path" ] || continue
    iface=${path##*/}
    ip link set "$iface" up
    udhcpc -f -i "$iface" -s /etc/udhcpc.script -t 20 -T 1 -A 2 \
        -x hostname:"$(hostname)" >/dev/null 2>&1 </dev/null &
done

if grep -q 'vireo\.counter=1' /proc/cmdline; then
    (n=0; while :; do say_line "VIREO-COUNT $n"; n=$((n + 1)); sleep 1; done) &
fi

say "VIREO-GUEST-READY"

# From here on busybox init is PID 1: it respawns a root login shell on the
# console (its controlling tty, so ^C works), reaps orphans, and handles
# `poweroff`/`reboot` typed in the guest.
cat >/etc/profile <<'EOF'
export PS1='vireo-guest# '
EOF
cat >/etc/inittab <<EOF
${con#/dev/}::respawn:-/bin/sh
::ctrlaltdel:/bin/reboot
::shutdown:/bin/sync
EOF
# A wide terminal keeps ash's line editing from redrawing long commands.
stty -F "$con" cols 200 rows 50 2>/dev/null
exec /bin/init
