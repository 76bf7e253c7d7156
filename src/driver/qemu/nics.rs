//! A guest's network interfaces on the host: an interface on a network or a host bridge gets a
//! tap device that QEMU opens (and the kernel removes when QEMU ends), put on the bridge while
//! the guest's CPUs are still stopped; user networking needs nothing on the host.

use crate::driver::network::embedded::Networks;
use crate::driver::network::host;
use crate::error::{Error, ErrorCode, Result};
use crate::model::mac::Mac;
use crate::model::DomainDef;
use crate::types::{DomainInterface, IpAddress};

/// A tap device and the bridge it joins.
pub struct Tap {
    pub name: String,
    pub bridge: String,
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
                if !host::interface_exists(&bridge) {
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
        n.target_dev = Some(tap.clone());
        taps.push(Tap { name: tap, bridge });
    }
    Ok(taps)
}

/// Puts each tap on its bridge (QEMU has made them by now).
pub fn attach(taps: &[Tap]) -> Result<()> {
    for t in taps {
        host::attach_tap(&t.name, &t.bridge)?;
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
