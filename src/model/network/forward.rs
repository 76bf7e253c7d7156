//! `<forward>` and `<bridge>`: how a network reaches the host's own network.

use std::net::Ipv4Addr;

use super::ip::range_of;
use super::{tristate, unsupported, xml_err, yes_no};
use crate::model::dom::Element;
use crate::model::ModelError;

/// `<forward mode=...>`, in libvirt's order (`virNetworkForwardType`, without `none`).
pub const FORWARD_MODES: [&str; 8] = [
    "nat",
    "route",
    "open",
    "bridge",
    "private",
    "vepa",
    "passthrough",
    "hostdev",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Forward {
    /// One of [`FORWARD_MODES`].
    pub mode: String,
    /// The host interfaces traffic may leave by (`dev=` is the first).
    pub interfaces: Vec<String>,
    pub nat: Nat,
    pub managed: bool,
}

/// `<nat>`: the addresses and ports masquerading may use.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Nat {
    pub ipv6: Option<bool>,
    pub addresses: Option<(Ipv4Addr, Ipv4Addr)>,
    pub ports: Option<(u32, u32)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bridge {
    pub name: Option<String>,
    pub zone: Option<String>,
    pub stp: bool,
    /// Whether the definition set `stp` (libvirt refuses it in some modes).
    pub stp_given: bool,
    pub delay: u64,
    pub mac_table_manager: Option<String>,
}

impl Bridge {
    pub(super) fn parse(b: Option<&Element>, net: &str) -> Result<Bridge, ModelError> {
        let attr = |n: &str| b.and_then(|b| b.attr(n)).map(str::to_string);
        let stp = attr("stp");
        let delay = match attr("delay") {
            Some(d) => d
                .parse::<u64>()
                .map_err(|_| xml_err(format!("Invalid delay value in network '{net}'")))?,
            None => 0,
        };
        let mac_table_manager = match attr("macTableManager") {
            Some(m) if m == "kernel" || m == "libvirt" => Some(m),
            Some(m) => {
                return Err(xml_err(format!(
                    "Invalid macTableManager setting '{m}' in network '{net}'"
                )))
            }
            None => None,
        };
        Ok(Bridge {
            name: attr("name"),
            zone: attr("zone"),
            stp: stp.as_deref() != Some("off"),
            stp_given: stp.is_some(),
            delay,
            mac_table_manager,
        })
    }
}

impl Forward {
    pub(super) fn parse(f: &Element, net: &str) -> Result<Forward, ModelError> {
        let mode = match f.attr("mode") {
            None => "nat".to_string(),
            Some(m) if FORWARD_MODES.contains(&m) => m.to_string(),
            Some(m) => return Err(unsupported(format!("unknown forwarding type '{m}'"))),
        };
        for tag in ["pf", "address", "driver"] {
            if f.child(tag).is_some() {
                return Err(unsupported(format!(
                    "<forward><{tag}> in network '{net}' is not supported by virtsh"
                )));
            }
        }
        let mut nats = f.children_named("nat");
        let nat = match (nats.next(), nats.next()) {
            (Some(_), Some(_)) => {
                return Err(xml_err(format!(
                    "Only one <nat> element is allowed in <forward> of network {net}"
                )))
            }
            (Some(n), None) => Nat::parse(n, &mode, net)?,
            _ => Nat::default(),
        };
        let mut interfaces: Vec<String> = f.attr("dev").map(str::to_string).into_iter().collect();
        for (i, e) in f.children_named("interface").enumerate() {
            let dev = e.attr("dev").ok_or_else(|| {
                xml_err(format!(
                    "Missing required dev attribute in <forward> <interface> element of network {net}"
                ))
            })?;
            if i == 0 && interfaces.len() == 1 {
                if interfaces[0] != dev {
                    return Err(xml_err(format!(
                        "<forward dev='{}'> must match first <interface dev='{dev}'/> in network {net}",
                        interfaces[0]
                    )));
                }
                continue;
            }
            if interfaces.iter().any(|d| d == dev) {
                return Err(xml_err(format!(
                    "interface '{dev}' can only be listed once in network {net}"
                )));
            }
            interfaces.push(dev.to_string());
        }
        Ok(Forward {
            mode,
            interfaces,
            nat,
            managed: f
                .attr("managed")
                .is_some_and(|m| m.eq_ignore_ascii_case("yes")),
        })
    }

    pub(super) fn to_element(&self) -> Element {
        let mut e = Element::new("forward")
            .with_opt("dev", self.interfaces.first())
            .with("mode", &self.mode);
        if self.mode == "hostdev" {
            e = e.with("managed", yes_no(self.managed));
        }
        if self.mode == "nat" {
            e.push_opt(self.nat.to_element());
        }
        for i in &self.interfaces {
            e.push(Element::new("interface").with("dev", i));
        }
        e
    }
}

impl Nat {
    pub(super) fn parse(n: &Element, mode: &str, net: &str) -> Result<Nat, ModelError> {
        if mode != "nat" {
            return Err(xml_err(format!(
                "The <nat> element can only be used when <forward> 'mode' is 'nat' in network {net}"
            )));
        }
        let ipv6 = tristate(Some(n), "ipv6")?;
        let only_one = |what: &str| {
            xml_err(format!(
                "Only one <{what}> element is allowed in <nat> in <forward> in network {net}"
            ))
        };
        if n.children_named("address").nth(1).is_some() {
            return Err(only_one("address"));
        }
        let addresses = match n.child("address") {
            Some(a) => {
                let get = |which: &str| {
                    let text = a.attr(which).ok_or_else(|| {
                        xml_err(format!(
                            "missing '{which}' attribute in <address> element in <nat> in <forward> in network {net}"
                        ))
                    })?;
                    text.parse::<Ipv4Addr>().map_err(|_| {
                        xml_err(format!(
                            "Bad ipv4 {which} address '{text}' in <nat> in <forward> in network '{net}'"
                        ))
                    })
                };
                let (start, end) = (get("start")?, get("end")?);
                range_of(start.into(), end.into(), None)?;
                Some((start, end))
            }
            None => None,
        };
        if n.children_named("port").nth(1).is_some() {
            return Err(only_one("port"));
        }
        let ports = match n.child("port") {
            Some(p) => {
                let bad = |which: &str| {
                    ModelError::Detail(format!(
                        "Missing or invalid '{which}' attribute in <port> in <nat> in <forward> in network {net}"
                    ))
                };
                let start = p
                    .attr("start")
                    .and_then(|s| s.parse::<u32>().ok())
                    .filter(|s| *s <= 65535)
                    .ok_or_else(|| bad("start"))?;
                let end = p
                    .attr("end")
                    .and_then(|s| s.parse::<u32>().ok())
                    .filter(|e| *e <= 65535 && *e >= start)
                    .ok_or_else(|| bad("end"))?;
                Some((start, end))
            }
            None => None,
        };
        Ok(Nat {
            ipv6,
            addresses,
            ports,
        })
    }

    pub(super) fn to_element(&self) -> Option<Element> {
        if *self == Nat::default() {
            return None;
        }
        let mut e = Element::new("nat").with_opt("ipv6", self.ipv6.map(yes_no));
        if let Some((s, end)) = self.addresses {
            e.push(
                Element::new("address")
                    .with("start", s.to_string())
                    .with("end", end.to_string()),
            );
        }
        if let Some((s, end)) = self.ports {
            let p = Element::new("port").with("start", s.to_string());
            e.push(if end > 0 {
                p.with("end", end.to_string())
            } else {
                p
            });
        }
        Some(e)
    }
}
