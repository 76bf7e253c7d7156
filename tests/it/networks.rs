//! Networks of the embedded driver on the real host: a real guest on a NAT network gets a
//! lease the host sees and reaches; user networking forwards a host port to the guest; and
//! libvirt's rules hold under races and crashes (one winner of a same-name define, one
//! bridge and one dnsmasq of many starts, nothing left on the host by a killed start or stop).
//!
//! Building bridges and firewall tables needs root: these tests fail when not run as root
//! (the README's test command runs as root), except user networking, which needs nothing.

use crate::common;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::guests::{linux, write};
use crate::common::{knob, text, Embedded, Virtsh};
use expectrl::Expect;
use virtsh::driver::network::host::table_name;

/// Fails loudly unless run as root.
pub(crate) fn require_root() {
    assert!(
        nix::unistd::geteuid().is_root(),
        "network tests build bridges and nftables tables: run them as root (the README's test command does)"
    );
}

pub(crate) fn interface_exists(name: &str) -> bool {
    Path::new("/sys/class/net").join(name).exists()
}

pub(crate) fn has_table(bridge: &str) -> bool {
    table_rules(bridge).is_some()
}

/// The rules of the firewall table a network on `bridge` has, as `nft -j` lists them
/// (without the handles the kernel numbers them with).
pub(crate) fn table_rules(bridge: &str) -> Option<Vec<serde_json::Value>> {
    let out = std::process::Command::new("nft")
        .args(["-j", "list", "table", "inet", &table_name(bridge)])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(
        listed["nftables"]
            .as_array()?
            .iter()
            .filter(|o| o.get("metainfo").is_none())
            .map(|o| {
                let mut o = o.clone();
                for kind in ["table", "chain", "rule"] {
                    if let Some(m) = o.get_mut(kind).and_then(|v| v.as_object_mut()) {
                        m.remove("handle");
                    }
                }
                o
            })
            .collect(),
    )
}

/// What the host has of interface `name` (index, MAC, MTU, flags, bridge, addresses), as
/// `ip -j` reports it; `None` when it has none.
pub(crate) fn link_state(name: &str) -> Option<serde_json::Value> {
    let show = |what: &str| {
        let out = std::process::Command::new("ip")
            .args(["-j", what, "show", "dev", name])
            .output()
            .ok()
            .filter(|o| o.status.success())?;
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
        v.as_array()?.first().cloned()
    };
    let link = show("link")?;
    let addrs = show("addr").map(|a| a["addr_info"].clone());
    Some(serde_json::json!({
        "ifindex": link["ifindex"], "address": link["address"], "mtu": link["mtu"],
        "flags": link["flags"], "master": link["master"], "addrs": addrs,
    }))
}

/// The dnsmasq processes (and their keepers) of networks of `root`.
pub(crate) fn helpers(root: &Path) -> Vec<u32> {
    let needle = root.display().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
                let c = String::from_utf8_lossy(&c);
                c.contains("--conf-file=") && c.contains(&needle)
            })
        })
        .collect()
}

/// Tears down what a failed test left on the host: the bridges and tables named, and the
/// helpers of the root.
pub(crate) struct HostCleanup {
    pub(crate) root: std::path::PathBuf,
    pub(crate) bridges: Vec<String>,
}

impl Drop for HostCleanup {
    fn drop(&mut self) {
        for pid in helpers(&self.root) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        for b in &self.bridges {
            let _ = std::process::Command::new("ip")
                .args(["link", "del", b])
                .output();
            let _ = std::process::Command::new("nft")
                .args(["delete", "table", "inet", &table_name(b)])
                .output();
        }
    }
}

/// A NAT network named `name` on bridge `bridge` and subnet `192.168.N.0/24`.
pub(crate) fn nat_network(dir: &Path, name: &str, bridge: &str, n: u8) -> std::path::PathBuf {
    write(
        dir,
        &format!("{name}.xml"),
        &format!(
            "<network><name>{name}</name><forward mode='nat'/><bridge name='{bridge}'/>\
             <ip address='192.168.{n}.1' netmask='255.255.255.0'><dhcp>\
             <range start='192.168.{n}.100' end='192.168.{n}.200'/></dhcp></ip></network>"
        ),
    )
}

fn guest_xml(name: &str, interface: &str) -> String {
    let (kernel, initrd) = linux();
    format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>192</memory><vcpu>1</vcpu>\
         <os><type arch='x86_64'>hvm</type><kernel>{}</kernel><initrd>{}</initrd>\
         <cmdline>console=ttyS0 quiet panic=-1</cmdline></os><features><acpi/></features>\
         <devices><serial type='pty'/>{interface}</devices></domain>",
        kernel.display(),
        initrd.display()
    )
}

/// Boots domain `name` of `file` and returns the address the guest says DHCP gave it.
fn boot_until_leased(v: &Virtsh, name: &str, file: &Path) -> String {
    v.ok(&format!("define {}; start --paused {name}", file.display()));
    let mut console = common::console(v, name, &[]);
    console.set_expect_timeout(Some(Duration::from_secs(180)));
    console.expect("Escape character is").unwrap();
    v.ok(&format!("resume {name}"));
    let found = console
        .expect(expectrl::Regex("virtsh-guest: ip=([0-9.]+)\\r?\\n"))
        .expect("the guest reports its DHCP lease");
    String::from_utf8_lossy(found.get(1).unwrap()).into_owned()
}

/// What the guest's web server answers at `addr`, retried until `limit`.
fn fetch(addr: &str, limit: Duration) -> String {
    let started = Instant::now();
    loop {
        let attempt = (|| -> std::io::Result<String> {
            let mut s = TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(3))?;
            s.set_read_timeout(Some(Duration::from_secs(5)))?;
            s.write_all(b"GET / HTTP/1.0\r\n\r\n")?;
            let mut out = String::new();
            s.read_to_string(&mut out)?;
            Ok(out)
        })();
        match attempt {
            Ok(body) if body.contains("virtsh-guest: served") => return body,
            other if started.elapsed() > limit => panic!("{addr} did not answer: {other:?}"),
            _ => std::thread::sleep(Duration::from_millis(300)),
        }
    }
}

#[test]
fn a_guest_on_a_nat_network_gets_a_lease_the_host_sees_and_reaches() {
    require_root();
    let e = Embedded::new();
    let (dir, v) = (&e.dir, &e.v);
    let bridge = "vtsh-nat0";
    let _cleanup = HostCleanup {
        root: e.root.clone(),
        bridges: vec![bridge.into()],
    };
    let net = nat_network(dir.path(), "tn", bridge, 231);
    v.ok(&format!("net-define {}; net-start tn", net.display()));
    assert!(interface_exists(bridge) && has_table(bridge));
    assert_eq!(helpers(&e.root).len(), 2, "one dnsmasq and its keeper");
    // A guest on an inactive network is refused with libvirt's words first.
    let file = write(
        dir.path(),
        "g.xml",
        &guest_xml(
            "g",
            "<interface type='network'><source network='tn'/><model type='virtio'/></interface>",
        ),
    );
    let ip = boot_until_leased(v, "g", &file);
    assert!(ip.starts_with("192.168.231."), "{ip}");
    let mac = v.ok("domiflist g");
    let mac = mac
        .split_whitespace()
        .find(|w| w.starts_with("52:54:00:"))
        .unwrap()
        .to_string();
    let leases = v.ok("net-dhcp-leases tn");
    assert!(
        leases.contains(&format!("{ip}/24")) && leases.contains(&mac),
        "{leases}"
    );
    assert!(leases.contains(" ipv4 "), "{leases}");
    let by_mac = v.ok(&format!("net-dhcp-leases tn --mac {mac}"));
    assert!(by_mac.contains(&ip), "{by_mac}");
    let addrs = v.ok("domifaddr g");
    assert!(addrs.contains(&format!("ipv4         {ip}/24")), "{addrs}");
    assert!(addrs.contains(&mac), "{addrs}");
    // The host reaches the guest through the bridge.
    fetch(&format!("{ip}:80"), Duration::from_secs(60));
    let arp = v.ok("domifaddr g --source arp");
    assert!(arp.contains(&format!("{ip}/0")), "{arp}");
    let agent = v.err("domifaddr g --source agent");
    assert!(
        agent.contains("QEMU guest agent is not configured"),
        "{agent}"
    );
    v.ok("destroy g");
    // Its tap went with QEMU.
    let tap = v.ok("domiflist g");
    let tap = tap
        .split_whitespace()
        .find(|w| w.starts_with("vt"))
        .map(String::from);
    assert!(tap.is_none_or(|t| !interface_exists(&t)));
    v.ok("net-destroy tn; net-undefine tn");
    assert!(!interface_exists(bridge), "the bridge is gone");
    assert!(!has_table(bridge), "the firewall table is gone");
    assert!(helpers(&e.root).is_empty(), "no dnsmasq is left");
    let err = v.err("start g");
    assert!(
        err.contains("Network not found: no network with matching name 'tn'"),
        "{err}"
    );
}

/// QEMU's own user networking gives the guest its address; a `<portForward>` needs passt
/// (libvirt's words), so a definition that works here loads on libvirtd too.
#[test]
fn user_networking_gives_the_guest_qemus_address() {
    let e = Embedded::new();
    let file = write(
        e.dir.path(),
        "u.xml",
        &guest_xml(
            "u",
            "<interface type='user'><model type='virtio'/></interface>",
        ),
    );
    assert_eq!(boot_until_leased(&e.v, "u", &file), "10.0.2.15");
    e.v.ok("destroy u");
    let refused = write(
        e.dir.path(),
        "f.xml",
        &guest_xml(
            "f",
            "<interface type='user'><portForward proto='tcp'><range start='2222' to='22'/>\
             </portForward></interface>",
        ),
    );
    let err = e.v.err(&format!("define {}", refused.display()));
    assert!(err.contains("unsupported configuration: The <portForward> element can only be used with the 'passt' backend of interface type='user' or type='vhostuser'"), "{err}");
}

#[test]
fn passt_forwards_a_host_port_to_the_guest() {
    assert!(
        std::process::Command::new("passt")
            .arg("--version")
            .output()
            .is_ok(),
        "passt is not installed (the README's test command installs it)"
    );
    forward_a_host_port("<backend type='passt'/>");
}

/// A guest on user networking with the `backend` given reached through a host port forwarded
/// to its web server.
fn forward_a_host_port(backend: &str) {
    let e = Embedded::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let file = write(
        e.dir.path(),
        "u.xml",
        &guest_xml(
            "u",
            &format!(
                "<interface type='user'><model type='virtio'/>{backend}<portForward proto='tcp' address='127.0.0.1'>\
                 <range start='{port}' to='80'/></portForward></interface>"
            ),
        ),
    );
    boot_until_leased(&e.v, "u", &file);
    let body = fetch(&format!("127.0.0.1:{port}"), Duration::from_secs(60));
    assert!(body.contains("virtsh-guest: served"));
    let xml = e.v.ok("dumpxml u");
    assert!(
        xml.contains("<portForward proto='tcp' address='127.0.0.1'>")
            && xml.contains(&format!("<range start='{port}' to='80'/>")),
        "{xml}"
    );
    e.v.ok("destroy u");
}

/// Same-name defines from many processes: one wins, every other is refused with libvirt's
/// message; a second network on the same bridge name is refused too.
#[test]
fn one_winner_of_many_defines_and_no_shared_bridge() {
    let e = Embedded::new();
    let procs = knob("VIRTSH_NET_RACE_PROCS", 8);
    let files: Vec<_> = (0..procs)
        .map(|i| {
            write(
                e.dir.path(),
                &format!("d{i}.xml"),
                &format!("<network><name>same</name><bridge name='vtsh-same{i}'/></network>"),
            )
        })
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|f| e.v.spawn(&["net-define", &f.display().to_string()]))
        .collect();
    let outcomes: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let winners = outcomes.iter().filter(|o| o.status.success()).count();
    assert_eq!(winners, 1, "{outcomes:?}");
    for o in outcomes.iter().filter(|o| !o.status.success()) {
        let (_, err) = text(o);
        assert!(
            err.contains("operation failed: network 'same' already exists with uuid"),
            "{err}"
        );
    }
    assert_eq!(e.v.ok("net-list --all --name").matches("same").count(), 1);
    let other = write(
        e.dir.path(),
        "other.xml",
        "<network><name>other</name><bridge name='vtsh-same0'/></network>",
    );
    let taken = e.v.ok("net-dumpxml same");
    let bridge = taken
        .split("bridge name='")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    let other = std::fs::read_to_string(&other)
        .unwrap()
        .replace("vtsh-same0", bridge);
    let other_file = write(e.dir.path(), "other2.xml", &other);
    let err = e.v.err(&format!("net-define {}", other_file.display()));
    assert!(
        err.contains(&format!(
            "internal error: bridge name '{bridge}' already in use."
        )),
        "{err}"
    );
}

/// Many processes start one network at once: one builds it, the others find it active; the
/// host has one bridge and one dnsmasq. A second network on the same subnet is refused.
#[test]
fn many_starts_leave_one_bridge_and_one_helper() {
    require_root();
    let e = Embedded::new();
    let bridge = "vtsh-many0";
    let _cleanup = HostCleanup {
        root: e.root.clone(),
        bridges: vec![bridge.into(), "vtsh-many1".into()],
    };
    let net = nat_network(e.dir.path(), "many", bridge, 232);
    e.v.ok(&format!("net-define {}", net.display()));
    let procs = knob("VIRTSH_NET_RACE_PROCS", 8);
    let children: Vec<_> = (0..procs)
        .map(|_| e.v.spawn(&["net-start", "many"]))
        .collect();
    let outcomes: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| o.status.success()).count(),
        1,
        "{outcomes:?}"
    );
    for o in outcomes.iter().filter(|o| !o.status.success()) {
        let (_, err) = text(o);
        assert!(err.contains("network is already active"), "{err}");
    }
    assert_eq!(helpers(&e.root).len(), 2, "one dnsmasq and its keeper");
    assert!(interface_exists(bridge));
    let clash = nat_network(e.dir.path(), "clash", "vtsh-many1", 232);
    let err =
        e.v.err(&format!("net-define {}; net-start clash", clash.display()));
    assert!(
        err.contains(&format!(
            "internal error: Network is already in use by interface {bridge}"
        )),
        "{err}"
    );
    assert!(!interface_exists("vtsh-many1"));
    e.v.ok("net-destroy many");
    assert!(helpers(&e.root).is_empty() && !interface_exists(bridge) && !has_table(bridge));
}

/// SIGKILL at any point of `net-start` or `net-destroy`: the next access finds the host as
/// `net-list` says (no stray helper, bridge or table of an inactive network).
#[test]
fn a_killed_start_or_stop_is_reconciled_on_next_access() {
    require_root();
    let e = Embedded::new();
    let bridge = "vtsh-kill0";
    let _cleanup = HostCleanup {
        root: e.root.clone(),
        bridges: vec![bridge.into()],
    };
    let net = nat_network(e.dir.path(), "k", bridge, 233);
    e.v.ok(&format!("net-define {}", net.display()));
    let trials = knob("VIRTSH_NET_CRASH_TRIALS", 8);
    for trial in 0..trials {
        let (verb, delay_ms) = if trial % 2 == 0 {
            ("net-start", (trial as u64 * 7) % 60)
        } else {
            ("net-destroy", (trial as u64 * 5) % 40)
        };
        let mut child = e.v.spawn(&[verb, "k"]);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let listed = e.v.ok("net-list --all");
        let active = listed
            .lines()
            .any(|l| l.contains(" k ") && l.contains(" active "));
        assert_eq!(
            active,
            interface_exists(bridge) && !helpers(&e.root).is_empty(),
            "trial {trial} ({verb} killed after {delay_ms} ms): net-list says {listed}, host has bridge={} helpers={:?}",
            interface_exists(bridge),
            helpers(&e.root)
        );
        if !active {
            assert!(
                !has_table(bridge),
                "trial {trial}: a table outlived the network"
            );
            e.v.ok("net-start k");
        }
    }
    e.v.ok("net-destroy k");
    assert!(helpers(&e.root).is_empty() && !interface_exists(bridge) && !has_table(bridge));
}

/// Interfaces come and go while the guest runs: attached live (the guest gets a lease on the
/// new NIC), its cable pulled and plugged back (the guest sees the carrier), its counters
/// read from the tap, detached live (the guest lets the NIC go); and in the definition.
#[test]
fn interfaces_come_and_go_while_the_guest_runs() {
    require_root();
    let e = Embedded::new();
    let (dir, v) = (&e.dir, &e.v);
    let bridge = "vtsh-hot0";
    let _cleanup = HostCleanup {
        root: e.root.clone(),
        bridges: vec![bridge.into()],
    };
    let net = nat_network(dir.path(), "hot", bridge, 234);
    v.ok(&format!("net-define {}; net-start hot", net.display()));
    let file = write(dir.path(), "h.xml", &guest_xml("h", ""));
    v.ok(&format!("define {}; start --paused h", file.display()));
    let mut console = common::console(v, "h", &[]);
    console.set_expect_timeout(Some(Duration::from_secs(180)));
    console.expect("Escape character is").unwrap();
    v.ok("resume h");
    console.expect("virtsh-guest: ready").unwrap();
    let mac = "52:54:00:0a:bc:01";
    // What a boot would refuse is not plugged in either, and nothing changes.
    let e = v.err(&format!(
        "attach-interface h network hot --mac {mac} --script /bin/true --persistent"
    ));
    assert!(
        e.contains("scripts are not supported on interfaces of type network"),
        "{e}"
    );
    assert!(!v.ok("dumpxml h --inactive").contains(mac));
    v.ok(&format!(
        "attach-interface h network hot --mac {mac} --model virtio --alias ua-hot --persistent"
    ));
    assert!(
        v.ok("dumpxml h --inactive").contains(mac),
        "--persistent reaches the definition"
    );
    assert!(
        v.ok("dumpxml h").contains("<alias name='ua-hot'/>"),
        "a user's alias is kept"
    );
    let tap = "vt5254000abc01";
    assert!(interface_exists(tap), "the new NIC's tap is on the host");
    let shell = |console: &mut expectrl::session::OsSession, line: &str| {
        console.send_line(line).unwrap();
    };
    // The guest finds the NIC (its PCI hotplug) and asks for a lease on it.
    shell(
        &mut console,
        "for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /sys/class/net/eth0 ] && break; sleep 1; done; \
         ip link set eth0 up; udhcpc -i eth0 -n -q -t 5 -s /udhcpc.script >/dev/null 2>&1",
    );
    let found = console
        .expect(expectrl::Regex("virtsh-guest: ip=([0-9.]+)\\r?\\n"))
        .expect("a lease on the attached NIC");
    let ip = String::from_utf8_lossy(found.get(1).unwrap()).into_owned();
    assert!(ip.starts_with("192.168.234."), "{ip}");
    fetch(&format!("{ip}:80"), Duration::from_secs(60));
    let stats = v.ok(&format!("domifstat h {tap}"));
    let rx: u64 = stats
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{tap} rx_bytes ")))
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(rx > 0, "{stats}");
    // The cable: out, then in again; the guest sees its carrier go and come.
    v.ok(&format!("domif-setlink h {mac} down"));
    assert_eq!(
        v.ok(&format!("domif-getlink h {mac}")),
        format!("{mac} down")
    );
    shell(
        &mut console,
        "echo carrier=$(cat /sys/class/net/eth0/carrier)",
    );
    console.expect("carrier=0").unwrap();
    v.ok(&format!("domif-setlink h {tap} up"));
    shell(
        &mut console,
        "echo carrier=$(cat /sys/class/net/eth0/carrier)",
    );
    console.expect("carrier=1").unwrap();
    // Detached live: the guest lets it go, its tap goes with it.
    v.ok(&format!("detach-interface h network --mac {mac} --live"));
    assert!(!v.ok("domiflist h").contains(mac));
    assert!(!interface_exists(tap));
    shell(&mut console, "echo nics=$(ls /sys/class/net | grep -c eth)");
    console.expect("nics=0").unwrap();
    // Still in the definition until detached there too.
    assert!(v.ok("dumpxml h --inactive").contains(mac));
    v.ok(&format!("detach-interface h network --mac {mac} --config"));
    assert!(!v.ok("dumpxml h --inactive").contains(mac));
    v.ok("destroy h; net-destroy hot");
}
