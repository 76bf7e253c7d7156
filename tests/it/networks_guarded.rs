//! Networks of the embedded driver that touch only what they made: another root's network, an
//! admin's bridge, a veth pair and `lo` are left as they were by every operation, failed or
//! not; a dnsmasq that cannot start says why; a failed hot plug leaves nothing behind; values
//! no tool may read are refused at define. Root, as `networks.rs`.

use crate::common::guests::write;
use crate::common::{text, Embedded, Virtsh};
use crate::networks::{
    has_table, helpers, interface_exists, link_state, nat_network, require_root, table_rules,
    HostCleanup,
};

/// Runs `ip ARGS`, which must succeed.
fn ip(args: &[&str]) {
    let o = std::process::Command::new("ip")
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// No network operation, failed or not, deletes or changes an interface, a firewall table or
/// a process it did not make, and none leaves anything behind: another root's active network,
/// a host bridge of the admin's, a veth pair and `lo` keep everything `ip` and `nft` report of them while
/// networks on their names fail to start (nothing touched), names no tool may read are
/// refused at define, a start fails halfway (no dnsmasq to run) and rolls back, a template
/// name is allocated and torn down. Only names of this test's own are compared, so tests
/// running beside it cannot make it flake.
#[test]
fn network_operations_touch_only_what_they_made() {
    require_root();
    let tag = format!("{:x}", std::process::id() & 0xffff);
    let (theirs, dummy, veth, peer, template) = (
        format!("vto{tag}"),
        format!("vtd{tag}"),
        format!("vtv{tag}"),
        format!("vtp{tag}"),
        format!("vtt{tag}"),
    );
    let other = Embedded::new();
    let a = Embedded::new();
    let _cleanup = (
        HostCleanup {
            root: other.root.clone(),
            bridges: vec![theirs.clone(), dummy.clone(), veth.clone()],
        },
        HostCleanup {
            root: a.root.clone(),
            bridges: vec![format!("{template}0"), "vtsh-halfway".into()],
        },
    );
    let net = nat_network(other.dir.path(), "theirs", &theirs, 235);
    other
        .v
        .ok(&format!("net-define {}; net-start theirs", net.display()));
    ip(&["link", "add", &dummy, "type", "bridge"]);
    ip(&["addr", "add", "10.236.1.1/24", "dev", &dummy]);
    ip(&["link", "set", &dummy, "up"]);
    ip(&["link", "add", &veth, "type", "veth", "peer", "name", &peer]);
    let watched = [theirs.as_str(), &dummy, &veth, &peer, "lo"];
    let snapshot = || {
        (
            watched.map(link_state),
            table_rules(&theirs),
            helpers(&other.root),
        )
    };
    let before = snapshot();
    assert!(before.0.iter().all(Option::is_some) && before.1.is_some());
    assert_eq!(before.2.len(), 2, "their dnsmasq and its keeper");

    let network = |name: &str, bridge: &str, n: u8| {
        write(
            a.dir.path(),
            &format!("{name}.xml"),
            &format!(
                "<network><name>{name}</name><forward mode='nat'/><bridge name=\"{bridge}\"/>\
                 <ip address='10.237.{n}.1' prefix='24'><dhcp>\
                 <range start='10.237.{n}.10' end='10.237.{n}.20'/></dhcp></ip></network>"
            ),
        )
    };
    // Names the host has: nothing is touched, the start fails as libvirt's does.
    for (i, name) in watched.iter().enumerate() {
        let file = network("taken", name, i as u8);
        a.v.ok(&format!("net-define {}", file.display()));
        let err = a.v.err("net-start taken");
        assert!(
            err.contains(&format!(
                "error creating bridge interface {name}: File exists"
            )),
            "{err}"
        );
        let err = a.v.err(&format!(
            "net-undefine taken; net-create {}",
            file.display()
        ));
        assert!(err.contains("File exists"), "{err}");
    }
    // Names no tool may read: refused at define.
    for (i, name) in [
        "..",
        "x&quot;;flush ruleset",
        "a,eth0",
        "hx%d%d",
        "0123456789abcdef",
    ]
    .iter()
    .enumerate()
    {
        let file = network("bad", name, 10 + i as u8);
        let err = a.v.err(&format!("net-define {}", file.display()));
        assert!(
            err.contains("is not a valid interface name"),
            "{name}: {err}"
        );
    }
    // A start that fails halfway (no dnsmasq on the PATH) removes what it made.
    let file = network("halfway", "vtsh-halfway", 20);
    a.v.ok(&format!("net-define {}", file.display()));
    let tools = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/usr/sbin/nft", tools.path().join("nft")).unwrap();
    let o =
        a.v.command()
            .args(["net-start", "halfway"])
            .env("PATH", tools.path())
            .output()
            .unwrap();
    assert!(!o.status.success());
    assert!(text(&o).1.contains("dnsmasq"), "{}", text(&o).1);
    assert!(!interface_exists("vtsh-halfway") && !has_table("vtsh-halfway"));
    // A template name is allocated at define, built, and torn down.
    let file = network("tmpl", &format!("{template}%d"), 21);
    a.v.ok(&format!("net-define {}", file.display()));
    let made = format!("{template}0");
    assert!(a
        .v
        .ok("net-dumpxml tmpl")
        .contains(&format!("<bridge name='{made}'")));
    a.v.ok("net-start tmpl");
    assert!(interface_exists(&made) && has_table(&made));
    a.v.ok("net-destroy tmpl; net-undefine tmpl; net-undefine halfway");
    assert!(!interface_exists(&made) && !has_table(&made) && helpers(&a.root).is_empty());
    assert!(!has_table(&format!("{template}%d")));

    assert_eq!(
        snapshot(),
        before,
        "another's interfaces, table or helpers changed"
    );
    other.v.ok("net-destroy theirs");
    assert!(!interface_exists(&theirs) && !has_table(&theirs));
    assert!(link_state(&dummy).is_some() && link_state(&veth).is_some());
    ip(&["link", "del", &dummy]);
    ip(&["link", "del", &veth]);
}

/// A dnsmasq that cannot start says why, as libvirt reports a helper that failed (its exit
/// status and its own words), and the failed start leaves nothing behind.
#[test]
fn a_dnsmasq_that_cannot_start_says_why() {
    require_root();
    let e = Embedded::new();
    let bridge = "vtsh-dnsfail";
    let _cleanup = HostCleanup {
        root: e.root.clone(),
        bridges: vec![bridge.into()],
    };
    // The DNS port of the network's address, taken before the address exists (IP_FREEBIND).
    // SAFETY: plain socket calls on a descriptor this test owns, closed by `_taken`.
    let _taken = unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        assert!(fd >= 0);
        let on: libc::c_int = 1;
        let len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        assert_eq!(
            libc::setsockopt(
                fd,
                libc::SOL_IP,
                libc::IP_FREEBIND,
                (&on as *const libc::c_int).cast(),
                len
            ),
            0
        );
        let sin = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: 53u16.to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(std::net::Ipv4Addr::new(192, 168, 239, 1)).to_be(),
            },
            sin_zero: [0; 8],
        };
        let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        assert_eq!(
            libc::bind(fd, (&sin as *const libc::sockaddr_in).cast(), len),
            0
        );
        <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd)
    };
    let net = nat_network(e.dir.path(), "dnsfail", bridge, 239);
    e.v.ok(&format!("net-define {}", net.display()));
    let err = e.v.err("net-start dnsfail");
    assert!(
        err.contains("Child process (dnsmasq) unexpected exit status 2: dnsmasq: failed to create listening socket for 192.168.239.1: Address already in use"),
        "{err}"
    );
    assert!(!interface_exists(bridge) && !has_table(bridge) && helpers(&e.root).is_empty());
}

/// A NIC that QEMU cannot plug (a q35 machine's root bus takes no hot-plug) leaves nothing:
/// its netdev and tap go again, so a retry fails for the same reason, not `Duplicate ID`; the
/// guest's MAC is checked as libvirt checks it.
#[test]
fn a_failed_hot_plug_leaves_nothing_behind() {
    require_root();
    let e = Embedded::new();
    let bridge = "vtsh-q35br";
    let _cleanup = HostCleanup {
        root: e.root.clone(),
        bridges: vec![bridge.into()],
    };
    ip(&["link", "add", bridge, "type", "bridge"]);
    let file = write(
        e.dir.path(),
        "q.xml",
        "<domain type='qemu'><name>q</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64' machine='q35'>hvm</type></os></domain>",
    );
    e.v.ok(&format!("define {}; start q", file.display()));
    let attach = format!("attach-interface q bridge {bridge} --live --mac 52:54:00:aa:bb:01");
    for _ in 0..2 {
        let err = e.v.err(&attach);
        assert!(
            err.contains("Bus 'pcie.0' does not support hotplugging") && !err.contains("Duplicate"),
            "{err}"
        );
        assert!(!interface_exists("vt525400aabb01"), "the tap stayed");
    }
    assert!(!e.v.ok("domiflist q").contains("52:54:00:aa:bb:01"));
    for (mac, said) in [
        (
            "01:00:5e:00:00:01",
            "XML error: expected unicast mac address, found multicast '01:00:5e:00:00:01'",
        ),
        ("zz:zz", "XML error: unable to parse mac address 'zz:zz'"),
    ] {
        let err = e.v.err(&format!(
            "attach-interface q bridge {bridge} --live --mac {mac}"
        ));
        assert!(err.contains(said), "{err}");
    }
    e.v.ok("destroy q");
}

/// What would reach dnsmasq, `nft` or the kernel is refused at define on the embedded driver,
/// where libvirt's test driver (and libvirtd, mostly) takes it; each refusal names the value
/// and the network. So is what libvirtd's network driver refuses at define.
#[test]
fn values_no_tool_may_read_are_refused_at_define() {
    let e = Embedded::new();
    let cases = [
        (
            "<bridge name='vtsh-ok0'/><dns><host ip='10.240.0.6'><hostname>h.example,10.240.0.6&#10;dhcp-script=/tmp/evil.sh</hostname></host></dns>",
            "unsupported configuration: DNS host name 'h.example,10.240.0.6\\ndhcp-script=/tmp/evil.sh' of network 'n' is not a valid host name",
        ),
        (
            "<bridge name='x&quot;;flush'/>",
            "unsupported configuration: bridge name 'x\";flush' of network 'n' is not a valid interface name",
        ),
        ("<bridge name='a,eth0'/>", "bridge name 'a,eth0' of network 'n' is not a valid interface name"),
        ("<domain name='lab&#10;x'/>", "domain name 'lab\\nx' of network 'n' is not a valid host name"),
        (
            "<dns><txt name='t' value='a&#10;dhcp-script=/x'/></dns>",
            "DNS TXT record value 'a\\ndhcp-script=/x' of network 'n' holds a control character",
        ),
        (
            "<dns><forwarder domain='a b' addr='10.0.0.1'/></dns>",
            "DNS forwarder domain 'a b' of network 'n' is not a valid host name",
        ),
    ];
    for (i, (inside, said)) in cases.iter().enumerate() {
        let file = write(
            e.dir.path(),
            &format!("n{i}.xml"),
            &format!(
                "<network><name>n</name>{inside}<ip address='10.240.0.1' prefix='24'>\
                 <dhcp><range start='10.240.0.10' end='10.240.0.20'/></dhcp></ip></network>"
            ),
        );
        let err = e.v.err(&format!("net-define {}", file.display()));
        assert!(err.contains(said), "{inside}: {err}");
        // The test driver keeps libvirt's behaviour.
        Virtsh::on("test:///default").ok(&format!("net-define {}", file.display()));
    }
    let file = write(
        e.dir.path(),
        "two.xml",
        "<network><name>two</name><ip address='10.241.0.1' prefix='24'><dhcp>\
         <range start='10.241.0.10' end='10.241.0.20'/></dhcp></ip>\
         <ip address='10.242.0.1' prefix='24'><dhcp><range start='10.242.0.10' end='10.242.0.20'/>\
         </dhcp></ip></network>",
    );
    let err = e.v.err(&format!("net-define {}", file.display()));
    assert!(err.contains("unsupported configuration: Multiple IPv4 dhcp sections found -- dhcp is supported only for a single IPv4 address on each network"), "{err}");
    let file = write(
        e.dir.path(),
        "mask.xml",
        "<network><name>mask</name><bridge name='vtsh-mask0'/><ip address='10.243.0.1' netmask='255.0.255.0'/></network>",
    );
    e.v.ok(&format!("net-define {}", file.display()));
    let err = e.v.err("net-start mask");
    assert!(
        err.contains("internal error: bridge 'vtsh-mask0' has an invalid netmask or IP address"),
        "{err}"
    );
    assert!(!interface_exists("vtsh-mask0"));
}
