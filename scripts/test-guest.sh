#!/usr/bin/env bash
# Builds the tiny Linux guest that virtsh's VM tests boot: the distribution's kernel and a
# busybox initramfs, both taken from Debian packages at test time (nothing binary in the repo).
#
# Usage: scripts/test-guest.sh OUTDIR
#   writes OUTDIR/vmlinuz and OUTDIR/initrd.img (cpio newc, gzip).
#
# Boot it with `-kernel OUTDIR/vmlinuz -initrd OUTDIR/initrd.img -append 'console=ttyS0'`.
# On the serial console the guest prints, one per line:
#   virtsh-guest: booted
#   virtsh-guest: memtotal=<MemTotal kB>
#   virtsh-guest: hwrng=<rng_current, or none>
#   virtsh-guest: watchdog=<yes|no>
#   virtsh-guest: ready
#   virtsh-guest: ip=<address>      (later, once DHCP on eth0 succeeds)
# and it serves "virtsh-guest: served" over HTTP on port 80 (busybox httpd), for the tests that
# reach the guest from the host.
#   virtsh-guest: powerbutton       (on an ACPI power button press, then it powers off)
# and after `ready` a root shell (prompt "guest# ") reads commands from ttyS0.
#
# Cached: a build whose stamp matches this script's sha256 is reused. Concurrent runs serialize on
# OUTDIR.lock, and the files are moved into place only when complete.
#
# Needs: apt-get with package lists (apt-get update), dpkg, gzip, flock, sha256sum; kmod's depmod
# and modprobe are used if installed, else the kmod package is fetched and run unpacked; zstd
# only if the kernel ships zstd-compressed modules (busybox unpacks xz and gzip ones).
set -euo pipefail

die() { echo "test-guest: $*" >&2; exit 1; }

if [ $# -ne 1 ] || [ -z "$1" ]; then die "usage: $0 OUTDIR"; fi
out=$1
[ "$out" = / ] || out=${out%/}
self_sum=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)

fresh() {
    [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ] &&
        [ "$(cat "$out/.stamp" 2>/dev/null)" = "$self_sum" ]
}
fresh && exit 0

mkdir -p "$out"
exec 9>"$out.lock"
flock -w 900 9 || die "timed out waiting for $out.lock"
# Another process may have built it while we waited.
fresh && exit 0
# Leftovers of a build that was killed; only the lock holder builds, so none is in use.
rm -rf "$out"/.build.*

# Inside OUTDIR so that the final mv is a rename on one filesystem.
work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/debs"

# Modules the tests need (virtio devices, the watchdog) plus the ACPI power button and evdev,
# through which busybox acpid sees the button.
wanted_modules=(virtio_pci virtio_blk virtio_net virtio_balloon virtio_rng virtio_console i6300esb
                button evdev)

# kmod is not always installed; its binary only needs libraries every Debian system has.
host_kmod=
for d in /usr/sbin /sbin /usr/bin /bin; do
    if [ -x "$d/depmod" ] && [ -x "$d/modprobe" ]; then host_kmod=$d; break; fi
done

apt_opts=(-q)
# As root apt drops to its _apt user, which cannot write to our temp dir.
[ "$(id -u)" = 0 ] && apt_opts+=(-o APT::Sandbox::User=root)

# The kernel that linux-image-amd64 currently points to, preferably its unsigned build.
kernel_package() {
    local dep
    dep=$(apt-cache depends linux-image-amd64 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-.*-amd64(-unsigned)?$/ && !p { p = $2 } END { print p }')
    [ -n "$dep" ] || return 1
    dep=${dep%-unsigned}
    if apt-cache show --no-all-versions "$dep-unsigned" >/dev/null 2>&1; then
        echo "$dep-unsigned"
    else
        echo "$dep"
    fi
}

fetch() {
    local kpkg pkgs
    kpkg=$(kernel_package) || return 1
    pkgs=("$kpkg" busybox-static)
    [ -n "$host_kmod" ] || pkgs+=(kmod)
    echo "test-guest: downloading ${pkgs[*]}" >&2
    rm -f "$work"/debs/*.deb
    (cd "$work/debs" && apt-get download "${apt_opts[@]}" "${pkgs[@]}" >/dev/null)
}

if ! fetch; then
    # Missing or stale lists (a superseded kernel is gone from the mirror): refresh once if we may.
    [ "$(id -u)" = 0 ] || die "cannot resolve or download the guest packages; the apt package lists are missing or stale: run 'apt-get update' (as root) and retry"
    echo "test-guest: running apt-get update" >&2
    apt-get update -qq
    fetch || die "cannot download the guest packages even after apt-get update"
fi

krn=$work/kernel bbx=$work/busybox
mkdir "$krn" "$bbx"
for deb in "$work"/debs/*.deb; do
    case $(basename "$deb") in
        linux-image-*) dpkg -x "$deb" "$krn" ;;
        busybox-static_*) dpkg -x "$deb" "$bbx" ;;
        kmod_*) dpkg -x "$deb" "$work/kmod" ;;
    esac
done

# Kernel packages ship lib/modules or (merged /usr) usr/lib/modules, and depmod -b looks in one
# or the other depending on kmod's version: make both lead to the modules.
if [ -d "$krn/usr/lib/modules" ] && [ ! -e "$krn/lib/modules" ]; then
    mkdir -p "$krn/lib"
    ln -s ../usr/lib/modules "$krn/lib/modules"
elif [ -d "$krn/lib/modules" ] && [ ! -e "$krn/usr/lib/modules" ]; then
    mkdir -p "$krn/usr/lib"
    ln -s ../../lib/modules "$krn/usr/lib/modules"
fi
kvers=("$krn"/lib/modules/*)
if [ ${#kvers[@]} != 1 ] || [ ! -d "${kvers[0]}" ]; then
    die "expected one kernel in the package, found: ${kvers[*]}"
fi
kver=$(basename "${kvers[0]}")
vmlinuz=$krn/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "no /boot/vmlinuz-$kver in the kernel package"

if [ -n "$host_kmod" ]; then
    depmod=$host_kmod/depmod modprobe=$host_kmod/modprobe
else
    # kmod is one multi-call binary that picks its tool from argv[0].
    kbin=
    for f in "$work"/kmod/bin/kmod "$work"/kmod/usr/bin/kmod; do
        if [ -x "$f" ]; then kbin=$f; break; fi
    done
    [ -n "$kbin" ] || die "no kmod binary in the kmod package"
    mkdir "$work/kmodbin"
    ln -s "$kbin" "$work/kmodbin/depmod"
    ln -s "$kbin" "$work/kmodbin/modprobe"
    depmod=$work/kmodbin/depmod modprobe=$work/kmodbin/modprobe
fi

# The package ships no modules.dep: depmod makes it (and modules.builtin.bin, so that modprobe
# reports built-in drivers as "builtin" instead of failing).
"$depmod" -b "$krn" "$kver"

root=$work/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/acpi,lib/modules,proc,sys,dev,tmp,run,root,var/log}

# Modules in load order: modprobe lists each one's dependencies first.
: >"$root/etc/modules"
declare -A seen=()
for m in "${wanted_modules[@]}"; do
    if ! deps=$("$modprobe" -d "$krn" -S "$kver" --show-depends "$m" 2>&1); then
        echo "test-guest: warning: kernel $kver has no module $m, skipped" >&2
        continue
    fi
    while read -r kind path _; do
        case $kind in
            builtin) echo "test-guest: $path is built into kernel $kver" >&2 ;;
            insmod)
                f=$(basename "$path")
                name=${f%%.ko*}
                [ -z "${seen[$name]:-}" ] || continue
                seen[$name]=1
                # Decompress here: busybox insmod cannot count on the kernel or itself doing it.
                # busybox handles xz and gzip; only zstd needs a host tool.
                case $f in
                    *.ko) cp "$path" "$root/lib/modules/$name.ko" ;;
                    *.ko.xz) "$bbx/bin/busybox" xzcat "$path" >"$root/lib/modules/$name.ko" ;;
                    *.ko.gz) "$bbx/bin/busybox" zcat "$path" >"$root/lib/modules/$name.ko" ;;
                    *.ko.zst) zstd -qdc "$path" >"$root/lib/modules/$name.ko" ;;
                    *) die "unknown module format: $f" ;;
                esac
                echo "$name.ko" >>"$root/etc/modules"
                ;;
        esac
    done <<<"$deps"
done

# busybox and its applet links, made now so that /init's #!/bin/sh resolves.
cp "$bbx/bin/busybox" "$root/bin/busybox"
"$bbx/bin/busybox" --list-full | while read -r applet; do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

cat >"$root/init" <<'EOF'
#!/bin/sh
# PID 1 of the virtsh test guest: loads the drivers, reports what the tests check on the console,
# then becomes busybox init, which keeps a shell on ttyS0 and makes reboot/poweroff work.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

say() { echo "virtsh-guest: $*"; }
# Firmware escape sequences may be left on the console's current line: start a fresh one.
echo

while read -r m; do
    insmod "/lib/modules/$m" || say "warning: insmod $m failed"
done </etc/modules

say booted
say "memtotal=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)"
rng=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)
say "hwrng=${rng:-none}"
if [ -e /dev/watchdog ]; then say watchdog=yes; else say watchdog=no; fi

ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
    ip link set eth0 up
    # Quietly: the lease is reported by /udhcpc.script.
    udhcpc -i eth0 -n -q -t 3 -s /udhcpc.script >/dev/null 2>&1 &
fi

# The power button reaches acpid as an input event (button.ko + evdev); see /etc/acpid.conf.
acpid -l /acpid.log

# Something for the host to reach through the guest's network.
mkdir -p /www
echo "virtsh-guest: served" >/www/index.html
httpd -p 80 -h /www

say ready
exec /sbin/init
EOF

# busybox init: a login shell on ttyS0, started again whenever it exits.
cat >"$root/etc/inittab" <<'EOF'
ttyS0::respawn:-/bin/sh
::ctrlaltdel:/sbin/reboot
EOF

cat >"$root/etc/profile" <<'EOF'
export PS1='guest# ' HOME=/root
cd /root
EOF

# acpid maps the power button to "button/power PWRF ..."; run /etc/acpi/powerbutton for it.
cat >"$root/etc/acpid.conf" <<'EOF'
PWRF powerbutton
EOF
cat >"$root/etc/acpi/powerbutton" <<'EOF'
#!/bin/sh
echo "virtsh-guest: powerbutton" >/dev/console
poweroff -f
EOF

# Debian's busybox looks for its default udhcpc script elsewhere; this one is named with -s.
cat >"$root/udhcpc.script" <<'EOF'
#!/bin/sh
case $1 in
    deconfig)
        ip addr flush dev "$interface"
        ip link set "$interface" up
        ;;
    bound | renew)
        ip addr flush dev "$interface"
        ip addr add "$ip/${mask:-24}" dev "$interface"
        for r in $router; do ip route add default via "$r" dev "$interface"; break; done
        : >/etc/resolv.conf
        for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
        echo "virtsh-guest: ip=$ip" >/dev/console
        ;;
esac
EOF

echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
chmod 0755 "$root/init" "$root/udhcpc.script" "$root/etc/acpi/powerbutton"

# One newc entry with no data (cpio can only archive nodes that exist, and mknod needs root).
newc_entry() { # NAME MODE RDEV_MAJOR RDEV_MINOR
    local n=$((${#1} + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
        0 "$2" 0 0 1 0 0 0 0 "$3" "$4" "$n" 0 "$1"
    head -c $(((4 - (110 + n) % 4) % 4)) /dev/zero
}

{
    (cd "$root" && find . -mindepth 1 | LC_ALL=C sort | "$bbx/bin/busybox" cpio -o -H newc -R 0:0)
    # The kernel opens /dev/console for /init before anything mounts devtmpfs; the kernel
    # unpacks concatenated archives, so this second one just adds the node.
    newc_entry dev/console $((8#020600)) 5 1
    newc_entry 'TRAILER!!!' 0 0 0
} | gzip -9n >"$work/initrd.img"
cp "$vmlinuz" "$work/vmlinuz"

# Stamp last, so that a matching stamp always means both files are complete.
rm -f "$out/.stamp"
mv -f "$work/vmlinuz" "$out/vmlinuz"
mv -f "$work/initrd.img" "$out/initrd.img"
echo "$self_sum" >"$work/stamp"
mv -f "$work/stamp" "$out/.stamp"
echo "test-guest: built $out from kernel $kver ($(wc -l <"$root/etc/modules") modules)" >&2
