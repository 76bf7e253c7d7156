//! What a network is made of on the host, as libvirt's network driver builds it when run as
//! root: a Linux bridge with the network's addresses (rtnetlink, [`super::netlink`]), a
//! firewall table of the network's own (nftables, loaded as JSON in one transaction) for NAT,
//! routing or isolation, and the tap devices of guests on the bridge.
//!
//! A network owns what it made and nothing else. Its bridge is created with the network's MAC
//! in the same request, so "the host has a bridge of that name with this MAC" is what marks
//! it as the network's: a failed start or a teardown never deletes an interface of the host's
//! or of another root that merely has the same name. The firewall table's rules name the
//! bridge by its index, and no value reaches `nft` other than as a JSON string or number.

use std::net::IpAddr;
use std::process::Command;

use serde_json::{json, Value};

use super::netlink::{NewBridge, Rtnl};
use crate::error::{Error, Result};
use crate::model::mac::Mac;
use crate::model::network::mask;
use crate::model::NetworkDef;

fn netlink() -> Result<Rtnl> {
    Rtnl::open().map_err(|e| Error::system("cannot open a netlink socket", &e))
}

/// Runs `program` with `args`, `input` on its stdin; a failure carries its words.
fn run(program: &str, args: &[&str], input: Option<&str>) -> Result<()> {
    use std::io::Write;
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    // A virtsh killed mid-change takes its `nft` with it, so that nothing changes the host
    // after the change is found unfinished and undone.
    let parent = nix::unistd::getpid();
    // SAFETY: prctl and getppid are async-signal-safe.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, move || {
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)?;
            // Killed before the signal was asked for: do not run at all.
            if nix::unistd::getppid() != parent {
                return Err(std::io::Error::other("virtsh is gone"));
            }
            Ok(())
        });
    }
    let shown = || format!("{program} {}", args.join(" "));
    let mut child = command
        .spawn()
        .map_err(|e| Error::system(format!("cannot run '{}'", shown()), &e))?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        let _ = stdin.write_all(text.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Error::system(format!("cannot run '{}'", shown()), &e))?;
    if out.status.success() {
        return Ok(());
    }
    Err(Error::internal(format!(
        "Failed to run '{}': {}",
        shown(),
        String::from_utf8_lossy(&out.stderr).trim()
    )))
}

/// Whether the host has a network interface called `name`.
pub fn interface_exists(name: &str) -> Result<bool> {
    Ok(netlink()?
        .link(name)
        .map_err(|e| Error::system(format!("cannot look up interface {name}"), &e))?
        .is_some())
}

/// Creates the network's bridge (with its MAC, MTU and STP settings in the one request that
/// makes it), gives it its addresses and sets it up. A name the host has already is refused
/// before anything changes (libvirt's words); a later failure removes the bridge it made.
pub fn create_bridge(def: &NetworkDef, bridge: &str) -> Result<()> {
    let mut nl = netlink()?;
    let exists = || {
        Error::system(
            format!("error creating bridge interface {bridge}"),
            &std::io::Error::from_raw_os_error(libc::EEXIST),
        )
    };
    if nl
        .link(bridge)
        .map_err(|e| Error::system(format!("cannot look up interface {bridge}"), &e))?
        .is_some()
    {
        return Err(exists());
    }
    nl.create_bridge(&NewBridge {
        name: bridge,
        mac: def.mac,
        mtu: def.mtu,
        stp: def.bridge.stp,
        delay: u32::try_from(def.bridge.delay).unwrap_or(u32::MAX),
    })
    .map_err(|e| Error::system(format!("error creating bridge interface {bridge}"), &e))?;
    let configured = (|| {
        let link = nl
            .link(bridge)?
            .ok_or_else(|| std::io::Error::from_raw_os_error(libc::ENODEV))?;
        for ip in &def.ips {
            let prefix = ip.prefix_len().unwrap_or(0) as u8;
            nl.add_address(link.index, ip.address, prefix)
                .map_err(|e| {
                    std::io::Error::new(
                        e.kind(),
                        format!(
                            "Failed to add IP address {}/{prefix} to {bridge}: {e}",
                            ip.address
                        ),
                    )
                })?;
        }
        nl.set_link(link.index, None, None, true)
    })();
    if let Err(e) = configured {
        let _ = remove_bridge(def, bridge);
        return Err(Error::internal(format!(
            "Unable to set up bridge {bridge}: {e}"
        )));
    }
    Ok(())
}

/// The index of `bridge` when the host has it and it is the network's (it carries the
/// network's MAC).
fn own_bridge(nl: &mut Rtnl, def: &NetworkDef, bridge: &str) -> Result<Option<u32>> {
    let link = nl
        .link(bridge)
        .map_err(|e| Error::system(format!("cannot look up interface {bridge}"), &e))?;
    Ok(link
        .filter(|l| def.mac.is_some() && l.mac == def.mac)
        .map(|l| l.index))
}

/// Deletes the network's bridge, if the host has it; an interface of that name that is not
/// the network's is left alone.
fn remove_bridge(def: &NetworkDef, bridge: &str) -> Result<()> {
    let mut nl = netlink()?;
    if let Some(index) = own_bridge(&mut nl, def, bridge)? {
        nl.delete(index)
            .map_err(|e| Error::system(format!("cannot delete bridge {bridge}"), &e))?;
    }
    Ok(())
}

/// Removes from the host what of the network is there, in the reverse order of its making:
/// the firewall table (unless the bridge of that name is someone else's, whose table it then
/// is), then the bridge if it is the network's.
pub fn remove_network(def: &NetworkDef, bridge: &str) -> Result<()> {
    let mut nl = netlink()?;
    let own = own_bridge(&mut nl, def, bridge)?;
    let absent = own.is_none()
        && nl
            .link(bridge)
            .map_err(|e| Error::system(format!("cannot look up interface {bridge}"), &e))?
            .is_none();
    // Both are tried, whatever the first does; the first failure is reported.
    let table = match own.is_some() || absent {
        true => remove_firewall(bridge),
        false => Ok(()),
    };
    if let Some(index) = own {
        nl.delete(index)
            .map_err(|e| Error::system(format!("cannot delete bridge {bridge}"), &e))?;
    }
    table
}

/// Puts a guest's tap device on `bridge` and sets it up; the tap gets the guest's MAC with
/// its first byte 0xFE (0xFA when it is 0xFE already), as libvirt gives it, so that the
/// bridge never takes the guest's own address.
pub fn attach_tap(tap: &str, bridge: &str, guest_mac: Option<Mac>) -> Result<()> {
    let mut nl = netlink()?;
    let no_device = || {
        Error::internal(format!(
            "Unable to add bridge {bridge} port {tap}: No such device"
        ))
    };
    let master = nl
        .link(bridge)
        .map_err(|e| Error::system(format!("cannot look up interface {bridge}"), &e))?
        .ok_or_else(no_device)?;
    let port = nl
        .link(tap)
        .map_err(|e| Error::system(format!("cannot look up interface {tap}"), &e))?
        .ok_or_else(no_device)?;
    let mac = guest_mac.map(|m| {
        let mut b = m.0;
        b[0] = if b[0] == 0xfe { 0xfa } else { 0xfe };
        Mac(b)
    });
    nl.set_link(port.index, mac, Some(master.index), true)
        .map_err(|e| Error::system(format!("Unable to add bridge {bridge} port {tap}"), &e))
}

/// The network's own nftables table: one per bridge name, and no two bridge names share one
/// (letters and digits are kept, any other byte is `_` and its hex).
pub fn table_name(bridge: &str) -> String {
    let mut name = String::from("virtsh_");
    for b in bridge.bytes() {
        if b.is_ascii_alphanumeric() {
            name.push(char::from(b));
        } else {
            name.push_str(&format!("_{b:02x}"));
        }
    }
    name
}

fn table(bridge: &str) -> Value {
    json!({ "family": "inet", "name": table_name(bridge) })
}

/// `left == right` (or `!=`).
fn matches(left: Value, op: &str, right: Value) -> Value {
    json!({ "match": { "op": op, "left": left, "right": right } })
}

fn meta(key: &str) -> Value {
    json!({ "meta": { "key": key } })
}

fn addr(family: &str, field: &str) -> Value {
    json!({ "payload": { "protocol": family, "field": field } })
}

fn prefix(net: IpAddr, len: u32) -> Value {
    json!({ "prefix": { "addr": net.to_string(), "len": len } })
}

/// The rules of the network's forward mode as one nftables JSON transaction that replaces
/// any table of that name (`None`: the mode needs none, as `open` and `bridge`). The bridge
/// is matched by its index `index`, an outgoing interface (`<forward dev>`) by its name.
pub fn firewall(def: &NetworkDef, bridge: &str, index: u32) -> Option<Value> {
    let mode = def.mode();
    if !matches!(mode, None | Some("nat" | "route")) {
        return None;
    }
    let name = table_name(bridge);
    let dev = def.forward.as_ref().and_then(|f| f.interfaces.first());
    let rule = |chain: &str, expr: Vec<Value>| {
        json!({ "add": { "rule": {
            "family": "inet", "table": name, "chain": chain, "expr": expr
        } } })
    };
    let from_bridge = || matches(meta("iif"), "==", json!(index));
    let to_bridge = || matches(meta("oif"), "==", json!(index));
    let reject = || json!({ "reject": { "type": "icmpx", "expr": "port-unreachable" } });
    let mut forward = Vec::new();
    let mut postrouting = Vec::new();
    for ip in &def.ips {
        let fam = if ip.address.is_ipv4() { "ip" } else { "ip6" };
        let Some((net, len)) = ip.subnet() else {
            continue;
        };
        if mode.is_some() {
            let mut out = vec![
                from_bridge(),
                matches(addr(fam, "saddr"), "==", prefix(net, len)),
            ];
            let mut back = vec![
                to_bridge(),
                matches(addr(fam, "daddr"), "==", prefix(net, len)),
            ];
            if let Some(d) = dev {
                out.push(matches(meta("oifname"), "==", json!(d)));
                back.push(matches(meta("iifname"), "==", json!(d)));
            }
            if mode == Some("nat") {
                back.push(matches(
                    json!({ "ct": { "key": "state" } }),
                    "in",
                    json!(["established", "related"]),
                ));
            }
            out.push(json!({ "accept": null }));
            back.push(json!({ "accept": null }));
            forward.push(rule("forward", out));
            forward.push(rule("forward", back));
        }
        if mode == Some("nat") && ip.address.is_ipv4() {
            let nat = def.forward.as_ref().map(|f| &f.nat);
            let (lo, hi) = nat.and_then(|n| n.ports).unwrap_or((1024, 65535));
            let saddr = || matches(addr("ip", "saddr"), "==", prefix(net, len));
            let leaving = || {
                let mut e = vec![
                    saddr(),
                    matches(addr("ip", "daddr"), "!=", prefix(net, len)),
                ];
                if let Some(d) = dev {
                    e.push(matches(meta("oifname"), "==", json!(d)));
                }
                e
            };
            for special in [
                prefix("224.0.0.0".parse().unwrap(), 24),
                json!("255.255.255.255"),
            ] {
                postrouting.push(rule(
                    "postrouting",
                    vec![
                        saddr(),
                        matches(addr("ip", "daddr"), "==", special),
                        json!({ "return": null }),
                    ],
                ));
            }
            let ports = json!({ "range": [lo, hi] });
            let l4 = matches(meta("l4proto"), "==", json!({ "set": ["tcp", "udp"] }));
            match nat.and_then(|n| n.addresses) {
                Some((s, e)) => {
                    let mut expr = leaving();
                    expr.push(l4);
                    expr.push(json!({ "snat": {
                        "family": "ip",
                        "addr": { "range": [s.to_string(), e.to_string()] },
                        "port": ports
                    } }));
                    postrouting.push(rule("postrouting", expr));
                }
                None => {
                    let mut expr = leaving();
                    expr.push(l4);
                    expr.push(json!({ "masquerade": { "port": ports } }));
                    postrouting.push(rule("postrouting", expr));
                    let mut expr = leaving();
                    expr.push(json!({ "masquerade": null }));
                    postrouting.push(rule("postrouting", expr));
                }
            }
        }
    }
    // Guests talk among themselves; anything else in or out of the bridge is refused.
    forward.push(rule(
        "forward",
        vec![from_bridge(), to_bridge(), json!({ "accept": null })],
    ));
    forward.push(rule("forward", vec![from_bridge(), reject()]));
    forward.push(rule("forward", vec![to_bridge(), reject()]));
    let chain = |name_: &str, kind: &str, hook: &str, prio: i32| {
        json!({ "add": { "chain": {
            "family": "inet", "table": name, "name": name_,
            "type": kind, "hook": hook, "prio": prio, "policy": "accept"
        } } })
    };
    // Adding first makes the delete succeed whether or not a table of that name is left.
    let mut batch = vec![
        json!({ "add": { "table": table(bridge) } }),
        json!({ "delete": { "table": table(bridge) } }),
        json!({ "add": { "table": table(bridge) } }),
        chain("forward", "filter", "forward", 0),
    ];
    batch.extend(forward);
    if !postrouting.is_empty() {
        batch.push(chain("postrouting", "nat", "postrouting", 100));
        batch.extend(postrouting);
    }
    Some(json!({ "nftables": batch }))
}

/// Loads the network's table (one transaction: all of it or nothing) and lets the host
/// forward when the mode routes.
pub fn apply_firewall(def: &NetworkDef, bridge: &str) -> Result<()> {
    let index = netlink()?
        .link(bridge)
        .map_err(|e| Error::system(format!("cannot look up interface {bridge}"), &e))?
        .ok_or_else(|| Error::internal(format!("bridge {bridge} is gone")))?
        .index;
    let Some(rules) = firewall(def, bridge, index) else {
        return Ok(());
    };
    run("nft", &["-j", "-f", "-"], Some(&rules.to_string()))?;
    if def.mode().is_some() {
        std::fs::write("/proc/sys/net/ipv4/ip_forward", "1")
            .map_err(|e| Error::system("cannot enable IPv4 forwarding", &e))?;
    }
    Ok(())
}

/// Removes the network's table, if the host has it.
fn remove_firewall(bridge: &str) -> Result<()> {
    // Added, then deleted: one transaction whether or not the table is there.
    let batch = json!({ "nftables": [
        { "add": { "table": table(bridge) } },
        { "delete": { "table": table(bridge) } },
    ] });
    run("nft", &["-j", "-f", "-"], Some(&batch.to_string()))
}

/// Refuses a network whose IPv4 subnets overlap a route the host has
/// (`networkCheckRouteCollision`): another network, or a host interface, uses them.
pub fn check_route_collision(def: &NetworkDef) -> Result<()> {
    let Ok(table) = crate::sys::read_capped("/proc/net/route".as_ref(), 1 << 20) else {
        return Ok(());
    };
    let table = String::from_utf8_lossy(&table);
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (Some(iface), Some(dest), Some(m)) = (f.first(), f.get(1), f.get(7)) else {
            continue;
        };
        // The kernel prints each address as the hex of its bytes read as a host integer.
        let parse = |h: &str| u32::from_str_radix(h, 16).ok().map(u32::to_le_bytes);
        let (Some(dest), Some(m)) = (parse(dest), parse(m)) else {
            continue;
        };
        let route_prefix = u32::from_be_bytes(m).count_ones();
        if route_prefix == 0 {
            continue;
        }
        for ip in def.ips.iter().filter(|i| i.address.is_ipv4()) {
            let Some((net, prefix)) = ip.subnet() else {
                continue;
            };
            let shorter = prefix.min(route_prefix);
            let route = IpAddr::V4(dest.into());
            if mask(net, shorter) == mask(route, shorter) {
                return Err(Error::internal(format!(
                    "Network is already in use by interface {iface}"
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::network::checks::interface_name;
    use proptest::prelude::*;

    /// Every string of a JSON value.
    fn strings(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("VIRTSH_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
        ))]

        /// Whatever names a definition carries, what `nft` is given holds them only as JSON
        /// strings in the places virtsh put them: the table's own name (one per bridge name)
        /// and the outgoing interface.
        #[test]
        fn nft_input_holds_names_only_as_data(
            bridge in "[A-Za-z0-9._+-]{1,15}", other in "[ -~]{0,17}",
            dev in "[A-Za-z0-9._+-]{1,15}",
        ) {
            let of = "network 'n'";
            prop_assume!(interface_name("bridge name", &bridge, of).is_ok());
            prop_assume!(interface_name("forward device", &dev, of).is_ok());
            let doc = format!(
                "<network><name>n</name><forward mode='nat' dev='{dev}'/>\
                 <bridge name='{bridge}'/><ip address='10.9.0.1' prefix='24'/>\
                 <ip family='ipv6' address='fd00::1' prefix='64'/></network>"
            );
            let def = NetworkDef::parse(&doc).unwrap();
            let rules = firewall(&def, &bridge, 7).unwrap();
            let table = table_name(&bridge);
            prop_assert!(table.strip_prefix("virtsh_").unwrap().chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'));
            if interface_name("bridge name", &other, of).is_ok() && other != bridge {
                prop_assert_ne!(table_name(&other), table.clone());
            }
            let vocabulary = [
                "inet", "forward", "postrouting", "filter", "nat", "accept", "ip", "ip6",
                "saddr", "daddr", "==", "!=", "in", "iif", "oif", "oifname", "iifname",
                "state", "established", "related", "l4proto", "tcp", "udp", "icmpx",
                "port-unreachable",
            ];
            let mut all = Vec::new();
            strings(&rules, &mut all);
            for s in all {
                prop_assert!(
                    s == table || s == dev || vocabulary.contains(&s.as_str())
                        || s.parse::<IpAddr>().is_ok(),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn table_names_are_one_per_bridge_name() {
        assert_eq!(table_name("hx.a"), "virtsh_hx_2ea");
        assert_eq!(table_name("hx_a"), "virtsh_hx_5fa");
        assert_ne!(table_name("hx.a"), table_name("hx_a"));
    }
}
