//! A guest's network interfaces on the host: an interface on a network or a host bridge gets a
//! tap device that QEMU opens (and the kernel removes when QEMU ends), put on the bridge while
//! the guest's CPUs are still stopped; user networking needs nothing on the host.

use crate::driver::network::embedded::Networks;
use crate::driver::network::{checks, host};
use crate::error::{Error, ErrorCode, Result};
use crate::model::domain::PortForward;
use crate::model::mac::Mac;
use crate::model::DomainDef;
use crate::types::{DomainInterface, IpAddress};

/// A tap device, the bridge it joins and the guest's MAC behind it.
pub struct Tap {
    pub name: String,
    pub bridge: String,
    pub guest_mac: Option<Mac>,
}

/// The socket of interface `index`'s passt, relative to the domain's run directory.
pub fn passt_socket(def: &DomainDef, index: usize) -> String {
    let mac = def
        .devices
        .interfaces
        .get(index)
        .and_then(|i| i.mac.as_deref());
    format!("passt-{}.sock", key(def, index, mac))
}

/// passt's `-t`/`-u` option for the forwards of one protocol: `[ADDR/]PORT[-END][:TO[-END]]`,
/// and `~PORT` for an excluded range.
fn passt_ports(forwards: &[PortForward], proto: &str) -> Option<String> {
    let mut specs = Vec::new();
    for f in forwards.iter().filter(|f| f.proto == proto) {
        let prefix = f
            .address
            .as_deref()
            .map_or(String::new(), |a| format!("{a}/"));
        for r in &f.ranges {
            let ports = match r.end {
                Some(e) => format!("{}-{e}", r.start),
                None => r.start.to_string(),
            };
            let spec = if r.exclude {
                format!("~{ports}")
            } else {
                match (r.to, r.end) {
                    (Some(to), Some(e)) => format!("{ports}:{to}-{}", to + (e - r.start)),
                    (Some(to), None) => format!("{ports}:{to}"),
                    (None, _) => ports,
                }
            };
            specs.push(format!("{prefix}{spec}"));
        }
    }
    (!specs.is_empty()).then(|| specs.join(","))
}

/// Starts a passt for each interface with `<backend type='passt'/>`, in the domain's run
/// directory `dir`: it listens on its socket, serves the one QEMU that connects, and ends with
/// it (`--one-off`). Returns once each has bound its socket.
pub fn start_passt(def: &DomainDef, dir: &std::path::Path) -> Result<()> {
    for (i, n) in def.devices.interfaces.iter().enumerate() {
        if n.kind != "user" || n.backend.as_deref() != Some("passt") {
            continue;
        }
        let socket = passt_socket(def, i);
        let _ = std::fs::remove_file(dir.join(&socket));
        let pid = format!("{socket}.pid");
        let mut command = std::process::Command::new("passt");
        command
            .current_dir(dir)
            .args(["--one-off", "--quiet", "--socket", &socket, "--pid", &pid])
            // As the user virtsh runs as (passt would leave root for nobody, who cannot
            // write in the root's run directory).
            .args(["--runas", &nix::unistd::geteuid().to_string()])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null());
        for (opt, proto) in [("-t", "tcp"), ("-u", "udp")] {
            if let Some(spec) = passt_ports(&n.port_forwards, proto) {
                command.args([opt, &spec]);
            }
        }
        let out = command.output().map_err(|e| {
            Error::internal(format!(
                "cannot run passt for the interface of domain '{}' ({e}): install passt, or remove <backend type='passt'/>",
                def.name
            ))
        })?;
        if !out.status.success() {
            return Err(Error::internal(format!(
                "passt failed to start: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
    }
    Ok(())
}

/// Stops the passts of a domain whose QEMU did not start (one that served its QEMU ends with
/// it by itself).
pub fn stop_passt(def: &DomainDef, dir: &std::path::Path) {
    for i in 0..def.devices.interfaces.len() {
        let pid = dir.join(format!("{}.pid", passt_socket(def, i)));
        let Some(p) = crate::sys::read_capped(&pid, 64)
            .ok()
            .and_then(|t| String::from_utf8_lossy(&t).trim().parse::<i32>().ok())
        else {
            continue;
        };
        let ours = std::fs::read_to_string(format!("/proc/{p}/comm"))
            .is_ok_and(|c| c.trim() == "passt" || c.trim() == "passt.avx2");
        if ours {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(p),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
        let _ = std::fs::remove_file(pid);
    }
}

/// What names an interface in QEMU and on the host: its MAC address (unique on a host, so two
/// domains starting at once never pick the same tap), else its place in a domain.
fn key(def: &DomainDef, index: usize, mac: Option<&str>) -> String {
    match mac.and_then(Mac::parse) {
        Some(m) => m.0.iter().map(|b| format!("{b:02x}")).collect(),
        None => format!("{}n{index}", &def.uuid.simple().to_string()[..8]),
    }
}

/// The tap device of interface `index` (an interface name has at most 15 bytes).
fn tap_name(def: &DomainDef, index: usize) -> String {
    let mac = def
        .devices
        .interfaces
        .get(index)
        .and_then(|i| i.mac.as_deref());
    format!("vt{}", key(def, index, mac))
}

/// QEMU's ids of interface `index`: its netdev and its NIC device.
pub fn ids(def: &DomainDef, index: usize) -> (String, String) {
    let mac = def
        .devices
        .interfaces
        .get(index)
        .and_then(|i| i.mac.as_deref());
    let k = key(def, index, mac);
    (format!("net{k}"), format!("nic{k}"))
}

/// Resolves each interface's bridge and names its tap in `def` (its live `<target dev>`);
/// a network must be active, a host bridge must exist.
pub fn plan(def: &mut DomainDef, networks: &Networks) -> Result<Vec<Tap>> {
    let mut taps = Vec::new();
    let names: Vec<String> = (0..def.devices.interfaces.len())
        .map(|i| tap_name(def, i))
        .collect();
    for (i, n) in def.devices.interfaces.iter_mut().enumerate() {
        let bridge = match n.kind.as_str() {
            "network" => {
                let network = n.source_network.as_deref().unwrap_or_default();
                networks.bridge_for_guest(network)?
            }
            "bridge" => {
                let bridge = n.source_bridge.clone().unwrap_or_default();
                checks::interface_name(
                    "source bridge",
                    &bridge,
                    &format!("domain '{}'", def.name),
                )?;
                if !host::interface_exists(&bridge)? {
                    return Err(Error::internal(format!(
                        "Unable to add bridge {bridge} port {}: No such device",
                        n.target_dev.as_deref().unwrap_or("vnet")
                    )));
                }
                bridge
            }
            _ => continue,
        };
        let tap = n.target_dev.clone().unwrap_or_else(|| names[i].clone());
        checks::interface_name("target device", &tap, &format!("domain '{}'", def.name))?;
        n.target_dev = Some(tap.clone());
        taps.push(Tap {
            name: tap,
            bridge,
            guest_mac: n.mac.as_deref().and_then(Mac::parse),
        });
    }
    Ok(taps)
}

/// Puts each tap on its bridge (QEMU has made them by now).
pub fn attach(taps: &[Tap]) -> Result<()> {
    for t in taps {
        host::attach_tap(&t.name, &t.bridge, t.guest_mac)?;
    }
    Ok(())
}

/// The addresses of a running guest's interfaces (`virDomainInterfaceAddresses`): from the
/// leases of the networks they are on (`source` 0), or from the host's neighbour table (2);
/// the guest agent (1) needs a channel virtsh does not make yet.
pub fn addresses(
    def: &DomainDef,
    source: u32,
    networks: &Networks,
) -> Result<Vec<DomainInterface>> {
    let mut out = Vec::new();
    match source {
        0 => {
            for n in &def.devices.interfaces {
                let (Some(network), Some(mac)) = (n.source_network.as_deref(), &n.mac) else {
                    continue;
                };
                if n.kind != "network" {
                    continue;
                }
                let mac = Mac::parse(mac);
                let addrs: Vec<IpAddress> = networks
                    .leases_of(network)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|l| l.mac.as_deref().and_then(Mac::parse) == mac)
                    .map(|l| IpAddress {
                        kind: l.kind,
                        addr: l.ipaddr,
                        prefix: l.prefix,
                    })
                    .collect();
                if !addrs.is_empty() {
                    out.push(interface(n, addrs));
                }
            }
        }
        1 => {
            return Err(Error::new(
                ErrorCode::ArgumentUnsupported,
                "argument unsupported: QEMU guest agent is not configured",
            ))
        }
        2 => {
            let table = std::fs::read_to_string("/proc/net/arp").unwrap_or_default();
            for n in &def.devices.interfaces {
                let Some(mac) = n.mac.as_deref().and_then(Mac::parse) else {
                    continue;
                };
                // IP address, HW type, Flags, HW address, Mask, Device
                let addrs: Vec<IpAddress> = table
                    .lines()
                    .skip(1)
                    .filter_map(|l| {
                        let f: Vec<&str> = l.split_whitespace().collect();
                        (f.len() >= 4 && Mac::parse(f[3]) == Some(mac) && f[2] != "0x0").then(
                            || IpAddress {
                                kind: 0,
                                addr: f[0].to_string(),
                                prefix: 0,
                            },
                        )
                    })
                    .collect();
                if !addrs.is_empty() {
                    out.push(interface(n, addrs));
                }
            }
        }
        other => {
            return Err(Error::invalid_arg(format!(
                "Unknown IP address data source {other}"
            )))
        }
    }
    Ok(out)
}

fn interface(n: &crate::model::domain::Interface, addrs: Vec<IpAddress>) -> DomainInterface {
    DomainInterface {
        name: n.target_dev.clone().unwrap_or_default(),
        hwaddr: n.mac.clone(),
        addrs,
    }
}
