//! `net-update` (`virNetworkObjUpdate` and `virNetworkDefUpdateSection`): a change to one
//! section of a network's live definition, persistent one, or both.

use std::net::IpAddr;

use super::{impact, targets, NetObject};
use crate::driver::prelude::*;
use crate::model::dom::{self, Element};
use crate::model::network::{DhcpHost, IpDef, Mac};
use crate::model::NetworkDef;
use virtsh_commands::network::UPDATE_SECTIONS;

/// `virNetworkUpdateCommand`.
const MODIFY: u32 = 1;
const DELETE: u32 = 2;
const ADD_LAST: u32 = 3;
const ADD_FIRST: u32 = 4;

/// Applies `update` to the definitions its flags name; nothing changes unless every one takes
/// it.
pub fn apply_update(net: &mut NetObject<'_>, update: &NetworkUpdate) -> Result<()> {
    let flags = impact(net, ModifyFlags(update.flags & 3))?;
    let node = dom::parse(&update.xml).map_err(Error::xml_detail)?;
    let mut changed = Vec::new();
    for def in targets(net, flags, true)? {
        let mut copy = def.clone();
        change(&mut copy, update, &node)?;
        changed.push(copy);
    }
    for (def, new) in targets(net, flags, true)?.into_iter().zip(changed) {
        *def = new;
    }
    Ok(())
}

fn no_support(def: &NetworkDef, section: &str) -> Error {
    Error::new(
        ErrorCode::OperationUnsupported,
        format!(
            "Operation not supported: can't update '{section}' section of network '{}'",
            def.name
        ),
    )
}

fn expect(def: &NetworkDef, node: &Element, name: &str) -> Result<()> {
    if node.name != name {
        return Err(Error::xml(format!(
            "unexpected element <{}>, expecting <{name}>, while updating network '{}'",
            node.name, def.name
        )));
    }
    Ok(())
}

fn invalid(detail: String) -> Error {
    Error::operation_invalid(detail)
}

fn unknown_command(command: u32) -> Error {
    Error::new(
        ErrorCode::OperationUnsupported,
        format!("Operation not supported: unrecognized network update command code {command}"),
    )
}

fn change(def: &mut NetworkDef, update: &NetworkUpdate, node: &Element) -> Result<()> {
    // `virNetworkUpdateSection` counts from 1 (0 is none).
    let section = (update.section as usize)
        .checked_sub(1)
        .and_then(|i| UPDATE_SECTIONS.get(i))
        .copied();
    match section {
        Some("ip-dhcp-host") => dhcp_host(def, update, node),
        Some("ip-dhcp-range") => dhcp_range(def, update, node),
        Some("forward-interface") => forward_interface(def, update.command, node),
        // libvirt refuses these sections; virtsh does not model portgroups and DNS records
        // updates, and refuses them the same way.
        Some(s) => Err(no_support(def, s)),
        None => Err(Error::new(
            ErrorCode::OperationUnsupported,
            format!(
                "Operation not supported: can't update unrecognized section of network (section {})",
                update.section
            ),
        )),
    }
}

/// The `<ip>` a DHCP change goes to (`virNetworkIPDefByIndex`).
fn ip_by_index(def: &mut NetworkDef, index: i32) -> Result<&mut IpDef> {
    let name = def.name.to_string();
    if index >= 0 {
        return def.ips.get_mut(index as usize).ok_or_else(|| {
            invalid(format!(
                "couldn't update dhcp host entry - no <ip> element found at index {index} in network '{name}'"
            ))
        });
    }
    let pick = def
        .ips
        .iter()
        .position(|i| !i.ranges.is_empty() || !i.hosts.is_empty())
        .or_else(|| def.ips.iter().position(|i| i.address.is_ipv4()))
        .or_else(|| def.ips.iter().position(|i| i.address.is_ipv6()));
    match pick {
        Some(i) => Ok(&mut def.ips[i]),
        None => Err(invalid(format!(
            "couldn't update dhcp host entry - no <ip> element found in network '{name}'"
        ))),
    }
}

/// Only one address of a family may serve DHCP.
fn check_multi_dhcp(def: &NetworkDef, chosen: IpAddr) -> Result<()> {
    let clash = def.ips.iter().any(|i| {
        i.address != chosen
            && i.address.is_ipv4() == chosen.is_ipv4()
            && (!i.ranges.is_empty() || !i.hosts.is_empty())
    });
    if clash {
        return Err(invalid(format!(
            "dhcp is supported only for a single {} address on each network",
            if chosen.is_ipv4() { "IPv4" } else { "IPv6" }
        )));
    }
    Ok(())
}

fn same_mac(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Mac::parse(a) == Mac::parse(b),
        _ => false,
    }
}

fn dhcp_host(def: &mut NetworkDef, update: &NetworkUpdate, node: &Element) -> Result<()> {
    expect(def, node, "host")?;
    let name = def.name.to_string();
    let snapshot = def.clone();
    let ip = ip_by_index(def, update.parent_index)?;
    let partial = update.command == DELETE;
    let host = ip.dhcp_host(node, &name, partial)?;
    if !partial && host.ip.is_some_and(|h| h.is_ipv4() != ip.address.is_ipv4()) {
        return Err(invalid(
            "the address family of a host entry IP must match the address family of the dhcp element's parent".into(),
        ));
    }
    let described = |h: &DhcpHost| {
        (
            h.mac.clone().unwrap_or_else(|| "unknown".into()),
            h.name.clone().unwrap_or_else(|| "(null)".into()),
            h.ip.map_or("unknown".into(), |i| i.to_string()),
        )
    };
    match update.command {
        MODIFY => {
            let Some(slot) = ip.hosts.iter_mut().find(|h| h.matches(&host)) else {
                let (m, n, i) = described(&host);
                return Err(invalid(format!(
                    "couldn't locate an existing dhcp host entry with \"mac='{m}'\" \"name='{n}'\" \"ip='{i}'\" in network '{name}'"
                )));
            };
            *slot = host;
        }
        ADD_FIRST | ADD_LAST => {
            check_multi_dhcp(&snapshot, ip.address)?;
            if ip.hosts.iter().any(|h| {
                same_mac(&host.mac, &h.mac)
                    || (host.name.is_some() && host.name == h.name)
                    || (host.ip.is_some() && host.ip == h.ip)
            }) {
                let (m, n, i) = described(&host);
                return Err(invalid(format!(
                    "there is an existing dhcp host entry in network '{name}' that matches \"<host mac='{m}' name='{n}' ip='{i}'/>\""
                )));
            }
            let at = if update.command == ADD_FIRST {
                0
            } else {
                ip.hosts.len()
            };
            ip.hosts.insert(at, host);
        }
        DELETE => {
            let found = ip.hosts.iter().position(|h| {
                (host.mac.is_none() || h.mac.is_none() || same_mac(&host.mac, &h.mac))
                    && (host.name.is_none() || host.name == h.name)
                    && (host.ip.is_none() || host.ip == h.ip)
            });
            let Some(i) = found else {
                return Err(invalid(format!(
                    "couldn't locate a matching dhcp host entry in network '{name}'"
                )));
            };
            ip.hosts.remove(i);
        }
        c => return Err(unknown_command(c)),
    }
    Ok(())
}

fn dhcp_range(def: &mut NetworkDef, update: &NetworkUpdate, node: &Element) -> Result<()> {
    expect(def, node, "range")?;
    let name = def.name.to_string();
    let snapshot = def.clone();
    let ip = ip_by_index(def, update.parent_index)?;
    if update.command == MODIFY {
        return Err(Error::new(
            ErrorCode::OperationUnsupported,
            "Operation not supported: dhcp ranges cannot be modified, only added or deleted",
        ));
    }
    let range = ip.dhcp_range(node, &name)?;
    if range.start.is_ipv4() != ip.address.is_ipv4() {
        return Err(invalid(
            "the address family of a dhcp range must match the address family of the dhcp element's parent".into(),
        ));
    }
    let found = ip
        .ranges
        .iter()
        .position(|r| r.start == range.start && r.end == range.end);
    match (update.command, found) {
        (ADD_FIRST | ADD_LAST, Some(_)) => Err(invalid(format!(
            "there is an existing dhcp range entry in network '{name}' that matches \"<range start='{}' end='{}'/>\"",
            range.start, range.end
        ))),
        (ADD_FIRST | ADD_LAST, None) => {
            check_multi_dhcp(&snapshot, ip.address)?;
            let at = if update.command == ADD_FIRST { 0 } else { ip.ranges.len() };
            ip.ranges.insert(at, range);
            Ok(())
        }
        (DELETE, Some(i)) => {
            ip.ranges.remove(i);
            Ok(())
        }
        (DELETE, None) => Err(invalid(format!(
            "couldn't locate a matching dhcp range entry in network '{name}'"
        ))),
        (c, _) => Err(unknown_command(c)),
    }
}

fn forward_interface(def: &mut NetworkDef, command: u32, node: &Element) -> Result<()> {
    expect(def, node, "interface")?;
    if command == MODIFY {
        return Err(Error::new(
            ErrorCode::OperationUnsupported,
            "Operation not supported: forward interface entries cannot be modified, only added or deleted",
        ));
    }
    let dev = node
        .attr("dev")
        .ok_or_else(|| Error::xml("missing dev attribute in <interface> element"))?
        .to_string();
    let name = def.name.to_string();
    let Some(forward) = def.forward.as_mut() else {
        return Err(invalid(format!(
            "couldn't find an interface entry in network '{name}' matching <interface dev='{dev}'>"
        )));
    };
    let found = forward.interfaces.iter().position(|i| *i == dev);
    match (command, found) {
        (ADD_FIRST | ADD_LAST, Some(_)) => Err(invalid(format!(
            "there is an existing interface entry in network '{name}' that matches \"<interface dev='{dev}'>\""
        ))),
        (ADD_FIRST | ADD_LAST, None) => {
            let at = if command == ADD_FIRST { 0 } else { forward.interfaces.len() };
            forward.interfaces.insert(at, dev);
            Ok(())
        }
        (DELETE, Some(i)) => {
            forward.interfaces.remove(i);
            Ok(())
        }
        (DELETE, None) => Err(invalid(format!(
            "couldn't find an interface entry in network '{name}' matching <interface dev='{dev}'>"
        ))),
        (c, _) => Err(unknown_command(c)),
    }
}
