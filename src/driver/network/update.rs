//! `net-update` (`virNetworkObjUpdate` and `virNetworkDefUpdateSection`): a change to one
//! section of a network's live definition, persistent one, or both.

use std::net::IpAddr;

use super::{impact, targets, NetObject};
use crate::driver::prelude::*;
use crate::model::dom::{self, Element};
use crate::model::network::{DhcpHost, IpDef, Mac};
use crate::model::NetworkDef;

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
    match UpdateSection::from_code(update.section) {
        Some(UpdateSection::IpDhcpHost) => dhcp_host(def, update, node),
        Some(UpdateSection::IpDhcpRange) => dhcp_range(def, update, node),
        Some(UpdateSection::ForwardInterface) => forward_interface(def, update.command, node),
        // libvirt refuses these sections; virtsh does not model portgroups and DNS records
        // updates, and refuses them the same way.
        Some(s) => Err(no_support(def, s.name())),
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
    let command = UpdateCommand::from_code(update.command);
    let partial = command == Some(UpdateCommand::Delete);
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
    match command {
        Some(UpdateCommand::Modify) => {
            let Some(slot) = ip.hosts.iter_mut().find(|h| h.matches(&host)) else {
                let (m, n, i) = described(&host);
                return Err(invalid(format!(
                    "couldn't locate an existing dhcp host entry with \"mac='{m}'\" \"name='{n}'\" \"ip='{i}'\" in network '{name}'"
                )));
            };
            *slot = host;
        }
        Some(UpdateCommand::AddFirst | UpdateCommand::AddLast) => {
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
            let at = if command == Some(UpdateCommand::AddFirst) {
                0
            } else {
                ip.hosts.len()
            };
            ip.hosts.insert(at, host);
        }
        Some(UpdateCommand::Delete) => {
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
        None => return Err(unknown_command(update.command)),
    }
    Ok(())
}

fn dhcp_range(def: &mut NetworkDef, update: &NetworkUpdate, node: &Element) -> Result<()> {
    expect(def, node, "range")?;
    let name = def.name.to_string();
    let snapshot = def.clone();
    let ip = ip_by_index(def, update.parent_index)?;
    let command = UpdateCommand::from_code(update.command);
    if command == Some(UpdateCommand::Modify) {
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
    match (command, found) {
        (Some(UpdateCommand::AddFirst | UpdateCommand::AddLast), Some(_)) => Err(invalid(format!(
            "there is an existing dhcp range entry in network '{name}' that matches \"<range start='{}' end='{}'/>\"",
            range.start, range.end
        ))),
        (Some(UpdateCommand::AddFirst | UpdateCommand::AddLast), None) => {
            check_multi_dhcp(&snapshot, ip.address)?;
            let at = if command == Some(UpdateCommand::AddFirst) { 0 } else { ip.ranges.len() };
            ip.ranges.insert(at, range);
            Ok(())
        }
        (Some(UpdateCommand::Delete), Some(i)) => {
            ip.ranges.remove(i);
            Ok(())
        }
        (Some(UpdateCommand::Delete), None) => Err(invalid(format!(
            "couldn't locate a matching dhcp range entry in network '{name}'"
        ))),
        (_, _) => Err(unknown_command(update.command)),
    }
}

fn forward_interface(def: &mut NetworkDef, code: u32, node: &Element) -> Result<()> {
    expect(def, node, "interface")?;
    let command = UpdateCommand::from_code(code);
    if command == Some(UpdateCommand::Modify) {
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
        (Some(UpdateCommand::AddFirst | UpdateCommand::AddLast), Some(_)) => Err(invalid(format!(
            "there is an existing interface entry in network '{name}' that matches \"<interface dev='{dev}'>\""
        ))),
        (Some(UpdateCommand::AddFirst | UpdateCommand::AddLast), None) => {
            let at = if command == Some(UpdateCommand::AddFirst) { 0 } else { forward.interfaces.len() };
            forward.interfaces.insert(at, dev);
            Ok(())
        }
        (Some(UpdateCommand::Delete), Some(i)) => {
            forward.interfaces.remove(i);
            Ok(())
        }
        (Some(UpdateCommand::Delete), None) => Err(invalid(format!(
            "couldn't find an interface entry in network '{name}' matching <interface dev='{dev}'>"
        ))),
        (_, _) => Err(unknown_command(code)),
    }
}
