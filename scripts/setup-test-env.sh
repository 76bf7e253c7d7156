#!/usr/bin/env bash
# Installs and starts what the test suite needs on a fresh Debian machine.
# Idempotent: it installs only what is missing and starts only what is not running.
#
# Packages come from the distribution's backports suite (where the machine's qemu-utils comes
# from); the suite is added by reusing the mirror already configured in the apt sources, so no
# package host is named here.
set -euo pipefail

need_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "setup-test-env: must run as root to install: $*" >&2
        exit 1
    fi
}

codename() { . /etc/os-release && printf '%s' "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}"; }

# The first main-archive mirror named in the apt sources (deb822 or one-line format).
apt_mirror() {
    local m=''
    if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
        m=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
            /etc/apt/sources.list.d/*.sources)
    fi
    if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
        m=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
            /etc/apt/sources.list)
    fi
    [ -n "$m" ] || { echo "setup-test-env: no apt mirror found in /etc/apt/sources*" >&2; exit 1; }
    printf '%s' "$m"
}

ensure_backports() {
    local suite list
    suite="$(codename)-backports"
    list=/etc/apt/sources.list.d/virtsh-backports.list
    if ! grep -rqs -- "$suite" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        need_root "the $suite apt suite"
        echo "deb $(apt_mirror) $suite main" >"$list"
        apt-get update -qq
    fi
}

pkgs=(qemu-system-x86 qemu-utils libvirt-daemon libvirt-daemon-driver-qemu libvirt-daemon-driver-storage libvirt-clients
      # networks: libvirtd's own network driver (the interop oracle) and what the embedded
      # driver builds a network with.
      libvirt-daemon-driver-network dnsmasq-base nftables iproute2
      # user networking through passt (<backend type='passt'/>).
      passt
      openssh-server man-db
      # `nc -U` for ssh URIs that name the daemon's socket (socket=, netcat=).
      netcat-openbsd
      # libssh2-sys and libz-sys (the ssh transport) look for system libraries with it.
      pkg-config
      # the test PKI for the TLS transport.
      openssl)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# virsh must be 11.x, from backports.
if command -v virsh >/dev/null && ! virsh --version | grep -q '^1[1-9]\.'; then
    missing+=(libvirt-clients)
fi
if ((${#missing[@]})); then
    need_root "${missing[*]}"
    ensure_backports
    suite="$(codename)-backports"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t "$suite" --no-install-recommends \
        "${missing[@]}" >/dev/null
fi
echo "setup-test-env: virsh $(virsh --version), $(qemu-system-x86_64 --version | head -n1)"

# Without udev /dev/kvm is root-only: give it group kvm and mode 0660, as udev would, before
# libvirtd starts (or it re-probes QEMU on every call).
if [ -e /dev/kvm ] && [ "$(id -u)" = 0 ]; then
    getent group kvm >/dev/null || groupadd -r kvm
    chgrp kvm /dev/kvm
    chmod 0660 /dev/kvm
fi

# Starts DAEMON unless CHECK... succeeds, then waits up to 10 s for CHECK to succeed.
# A socket file alone proves nothing: a daemon killed with its machine's processes leaves it behind
# in /run (libvirtd then fails every QEMU start on virtlogd's refused socket), so ask the daemon
# itself. Both daemons replace a stale socket when they start.
ensure_daemon() {
    local daemon=$1
    shift
    "$@" >/dev/null 2>&1 && return
    $daemon -d
    for _ in $(seq 100); do
        "$@" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "setup-test-env: $daemon did not start" >&2
    exit 1
}

# A test PKI where libvirt looks for one (made once, never over an existing CA): a CA, a server
# certificate for `localhost` only (so that 127.0.0.1 fails the host check), a client one.
make_pki() {
    [ -f /etc/pki/CA/cacert.pem ] && return
    local tmp
    tmp=$(mktemp -d)
    mkdir -p /etc/pki/CA/private /etc/pki/libvirt/private
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=virtsh test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout /etc/pki/CA/private/cakey.pem -out "$tmp/cacert.pem" 2>/dev/null
    local who usage
    for who in server client; do
        usage=serverAuth
        [ $who = client ] && usage=clientAuth
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
            -keyout "/etc/pki/libvirt/private/${who}key.pem" -out "$tmp/$who.csr" 2>/dev/null
        printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\nsubjectAltName=DNS:localhost\n' \
            "$usage" >"$tmp/$who.ext"
        openssl x509 -req -in "$tmp/$who.csr" -CA "$tmp/cacert.pem" -CAkey /etc/pki/CA/private/cakey.pem \
            -CAcreateserial -days 3650 -extfile "$tmp/$who.ext" -out "/etc/pki/libvirt/${who}cert.pem" 2>/dev/null
    done
    mv "$tmp/cacert.pem" /etc/pki/CA/cacert.pem
    rm -rf "$tmp"
}

# libvirtd and its log daemon on their default sockets, for the interoperability tests and for
# the benchmarks that compare with libvirt; libvirtd also listens for TLS (16514, the test PKI)
# and plain TCP (16509, no authentication), for the remote transports' tests. A libvirtd that
# answers but does not listen is restarted listening (its guests live on).
if [ "$(id -u)" = 0 ]; then
    make_pki
    conf=/etc/libvirt/virtsh-test-libvirtd.conf
    printf 'listen_tls = 1\nlisten_tcp = 1\nauth_tcp = "none"\n' >"$conf"
    ensure_daemon virtlogd virt-admin -c virtlogd:///system uri
    if virsh -c qemu:///system uri >/dev/null 2>&1 &&
        ! virsh -c qemu+tcp://localhost/system uri >/dev/null 2>&1; then
        pkill -x libvirtd
        for _ in $(seq 100); do pgrep -x libvirtd >/dev/null || break; sleep 0.1; done
    fi
    ensure_daemon "libvirtd --listen -f $conf" virsh -c qemu+tcp://localhost/system uri
fi
