//! What a network is made of on the host, as libvirt's network driver builds it when run as
//! root: a Linux bridge with the network's addresses, a firewall table of the network's own
//! (nftables) for NAT, routing or isolation, and the tap devices of guests on the bridge. The
//! work is done by `ip` and `nft`, in one nftables transaction per change.

use std::net::IpAddr;
use std::process::Command;

use crate::error::{Error, Result};
use crate::model::network::mask;
use crate::model::NetworkDef;

/// Runs `program` with `args`; a failure carries its words.
fn run(program: &str, args: &[&str], input: Option<&str>) -> Result<()> {
    use std::io::Write;
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    // A virtsh killed mid-change takes its `ip` or `nft` with it, so that nothing changes the
    // host after the change is found unfinished and undone.
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
pub fn interface_exists(name: &str) -> bool {
    std::path::Path::new("/sys/class/net").join(name).exists()
}

/// Creates the network's bridge with its MAC, MTU, STP settings and addresses, and sets it up,
/// in one `ip -batch` run.
pub fn create_bridge(def: &NetworkDef, bridge: &str) -> Result<()> {
    let stp = if def.bridge.stp { "1" } else { "0" };
    let mut script = format!(
        "link add {bridge} type bridge stp_state {stp} forward_delay {}\n",
        def.bridge.delay * 100
    );
    if let Some(mac) = def.mac {
        script.push_str(&format!("link set {bridge} address {mac}\n"));
    }
    if let Some(mtu) = def.mtu {
        script.push_str(&format!("link set {bridge} mtu {mtu}\n"));
    }
    for ip in &def.ips {
        script.push_str(&format!(
            "addr add {}/{} dev {bridge}\n",
            ip.address,
            ip.prefix_len()
        ));
    }
    script.push_str(&format!("link set {bridge} up\n"));
    let built = run("ip", &["-batch", "-"], Some(&script));
    if let Err(e) = built {
        let _ = delete_link(bridge);
        return Err(Error::internal(format!(
            "Unable to create bridge {bridge}: {e}"
        )));
    }
    Ok(())
}

/// Removes an interface the network made (nothing when it is gone already, or goes
/// meanwhile).
pub fn delete_link(name: &str) -> Result<()> {
    if !interface_exists(name) {
        return Ok(());
    }
    run("ip", &["link", "del", name], None).or_else(|e| match interface_exists(name) {
        true => Err(e),
        false => Ok(()),
    })
}

/// Puts a guest's tap device on `bridge` and sets it up.
pub fn attach_tap(tap: &str, bridge: &str) -> Result<()> {
    if !interface_exists(bridge) {
        return Err(Error::internal(format!(
            "Unable to add bridge {bridge} port {tap}: No such device"
        )));
    }
    run("ip", &["link", "set", tap, "master", bridge], None)?;
    run("ip", &["link", "set", tap, "up"], None)
}

/// The network's own nftables table: one per bridge, so that it goes with the network.
pub fn table_name(bridge: &str) -> String {
    let clean: String = bridge
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("virtsh_{clean}")
}

/// The rules of the network's forward mode, as one nftables script (`None`: the mode needs
/// none, as `open` and `bridge`).
pub fn firewall(def: &NetworkDef, bridge: &str) -> Option<String> {
    let mode = def.mode();
    if !matches!(mode, None | Some("nat" | "route")) {
        return None;
    }
    let table = table_name(bridge);
    let mut forward = Vec::new();
    let mut postrouting = Vec::new();
    for ip in &def.ips {
        let fam = if ip.address.is_ipv4() { "ip" } else { "ip6" };
        let (net, prefix) = ip.subnet();
        let subnet = format!("{net}/{prefix}");
        if mode.is_some() {
            forward.push(format!("iifname \"{bridge}\" {fam} saddr {subnet} accept"));
            let back = if mode == Some("nat") {
                " ct state related,established"
            } else {
                ""
            };
            forward.push(format!(
                "oifname \"{bridge}\" {fam} daddr {subnet}{back} accept"
            ));
        }
        if mode == Some("nat") && ip.address.is_ipv4() {
            let ports = def
                .forward
                .as_ref()
                .and_then(|f| f.nat.ports)
                .unwrap_or((1024, 65535));
            let to = def
                .forward
                .as_ref()
                .and_then(|f| f.nat.addresses)
                .map(|(s, e)| format!("snat to {s}-{e}"));
            postrouting.push(format!("ip saddr {subnet} ip daddr 224.0.0.0/24 return"));
            postrouting.push(format!("ip saddr {subnet} ip daddr 255.255.255.255 return"));
            match to {
                Some(snat) => postrouting.push(format!(
                    "ip saddr {subnet} ip daddr != {subnet} meta l4proto {{ tcp, udp }} {snat}:{}-{}",
                    ports.0, ports.1
                )),
                None => {
                    postrouting.push(format!(
                        "ip saddr {subnet} ip daddr != {subnet} meta l4proto {{ tcp, udp }} masquerade to :{}-{}",
                        ports.0, ports.1
                    ));
                    postrouting.push(format!(
                        "ip saddr {subnet} ip daddr != {subnet} masquerade"
                    ));
                }
            }
        }
    }
    // Guests talk among themselves; anything else in or out of the bridge is refused.
    forward.push(format!("iifname \"{bridge}\" oifname \"{bridge}\" accept"));
    forward.push(format!("iifname \"{bridge}\" reject"));
    forward.push(format!("oifname \"{bridge}\" reject"));
    let mut s = format!("table inet {table} {{\n");
    s.push_str("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
    for r in &forward {
        s.push_str(&format!("    {r}\n"));
    }
    s.push_str("  }\n");
    if !postrouting.is_empty() {
        s.push_str(
            "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n",
        );
        for r in &postrouting {
            s.push_str(&format!("    {r}\n"));
        }
        s.push_str("  }\n");
    }
    s.push_str("}\n");
    Some(s)
}

/// Loads the network's table (one transaction: all of it or nothing) and lets the host
/// forward when the mode routes.
pub fn apply_firewall(script: &str, routes: bool) -> Result<()> {
    run("nft", &["-f", "-"], Some(script))?;
    if routes {
        std::fs::write("/proc/sys/net/ipv4/ip_forward", "1")
            .map_err(|e| Error::system("cannot enable IPv4 forwarding", &e))?;
    }
    Ok(())
}

/// Whether the host has the network's table.
pub fn has_table(bridge: &str) -> bool {
    Command::new("nft")
        .args(["list", "table", "inet", &table_name(bridge)])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Removes the network's table, if the host has it.
pub fn remove_firewall(bridge: &str) -> Result<()> {
    if !has_table(bridge) {
        return Ok(());
    }
    run(
        "nft",
        &["delete", "table", "inet", &table_name(bridge)],
        None,
    )
}

/// Refuses a network whose IPv4 subnets overlap a route the host has
/// (`networkCheckRouteCollision`): another network, or a host interface, uses them.
pub fn check_route_collision(def: &NetworkDef) -> Result<()> {
    let Ok(table) = std::fs::read_to_string("/proc/net/route") else {
        return Ok(());
    };
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
            let (net, prefix) = ip.subnet();
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
