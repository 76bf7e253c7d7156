//! Virtual network definitions (`<network>`), parsed with libvirt's checks and messages
//! (`virNetworkDefParseXML`) and formatted as `net-dumpxml` prints them
//! (`virNetworkDefFormatBuf`).

mod dns;
mod forward;
mod ip;

use std::net::IpAddr;

use uuid::Uuid;

use super::dom::Element;
use super::domain::custom;
use super::read::{invalid, text_of, uuid_and_title};
use super::xml::{render, Style};
use super::{parse_root, ModelError, Name};

pub use super::mac::Mac;
pub use dns::{Dns, DnsDomain, DnsHost, Srv};
pub use forward::{Bridge, Forward, Nat, FORWARD_MODES};
pub use ip::{mask, DhcpHost, DhcpRange, IpDef, Lease};

/// Elements of libvirt's network schema that virtsh does not model: a definition holding one
/// is refused rather than stored without it.
const UNMODELLED: [&str; 6] = [
    "route",
    "portgroup",
    "vlan",
    "bandwidth",
    "virtualport",
    "port",
];

/// The namespace of libvirt's dnsmasq options (`<dnsmasq:options>`).
pub const DNSMASQ_NS: &str = "http://libvirt.org/schemas/network/dnsmasq/1.0";

#[derive(Debug, Clone, PartialEq)]
pub struct NetworkDef {
    pub name: Name,
    pub uuid: Uuid,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Applications' `<metadata>` elements, kept as written.
    pub metadata: Option<Vec<Element>>,
    /// `<network ipv6='yes'>`: guests may talk IPv6 without a gateway address.
    pub ipv6: bool,
    pub trust_guest_rx_filters: Option<bool>,
    /// `None`: an isolated network (no `<forward>`).
    pub forward: Option<Forward>,
    pub bridge: Bridge,
    pub mtu: Option<u32>,
    pub mac: Option<Mac>,
    pub domain: Option<DnsDomain>,
    pub dns: Dns,
    pub ips: Vec<IpDef>,
}

fn xml_err(detail: String) -> ModelError {
    invalid(detail)
}

fn unsupported(detail: String) -> ModelError {
    ModelError::Unsupported(detail)
}

/// A `yes`/`no` attribute (`virXMLPropTristateBool`).
fn tristate(e: Option<&Element>, attr: &str) -> Result<Option<bool>, ModelError> {
    let Some(e) = e else { return Ok(None) };
    match e.attr(attr) {
        None => Ok(None),
        Some("yes") => Ok(Some(true)),
        Some("no") => Ok(Some(false)),
        Some(v) => Err(invalid(format!(
            "Invalid value for attribute '{attr}' in element '{}': '{v}'. Expected one of 'yes', 'no'",
            e.name
        ))),
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// An unsigned attribute (`virXMLPropUInt`).
fn uint_attr(e: &Element, attr: &str) -> Result<Option<u32>, ModelError> {
    e.attr(attr)
        .map(|v| {
            v.parse::<u32>().map_err(|_| {
                invalid(format!(
                    "Invalid value for attribute '{attr}' in element '{}': '{v}'. Expected non-negative integer value",
                    e.name
                ))
            })
        })
        .transpose()
}

fn ip(text: &str) -> Option<IpAddr> {
    text.parse().ok()
}

/// An address for a range check: what `virSocketAddrGetRange` calls it.
impl NetworkDef {
    pub fn parse(xml: &str) -> Result<NetworkDef, ModelError> {
        NetworkDef::from_element(&parse_root(xml, "network")?)
    }

    pub fn from_element(root: &Element) -> Result<NetworkDef, ModelError> {
        let name = root.child_text("name").ok_or(ModelError::NoName)?;
        let name = Name::new(&name).map_err(ModelError::Name)?;
        let net = name.as_str().to_string();
        let (uuid, title) = uuid_and_title(root, "Network")?;
        let ipv6 = match root.attr("ipv6") {
            None | Some("no") => false,
            Some("yes") => true,
            Some(v) => {
                return Err(xml_err(format!(
                    "Invalid ipv6 setting '{v}' in network '{net}'"
                )))
            }
        };
        let trust_guest_rx_filters = tristate(Some(root), "trustGuestRxFilters")?;
        for tag in UNMODELLED {
            if root.child(tag).is_some() {
                return Err(unsupported(format!(
                    "<{tag}> in network '{net}' is not supported by virtsh; remove it (virsh net-edit {net})"
                )));
            }
        }
        if root.child_ns(DNSMASQ_NS, "options").is_some() {
            return Err(unsupported(format!(
                "<dnsmasq:options> in network '{net}' is not supported by virtsh; remove it (virsh net-edit {net})"
            )));
        }
        let domain_node = root.child("domain");
        let domain = match domain_node.and_then(|d| d.attr("name")) {
            Some(n) => Some(DnsDomain {
                name: n.to_string(),
                local_only: tristate(domain_node, "localOnly")?,
            }),
            None => {
                tristate(domain_node, "localOnly")?;
                None
            }
        };
        let bridge = Bridge::parse(root.child("bridge"), &net)?;
        let mac = match root.child("mac").and_then(|m| m.attr("address")) {
            Some(text) => {
                let mac = Mac::parse(text).ok_or_else(|| {
                    xml_err(format!(
                        "Invalid bridge mac address '{text}' in network '{net}'"
                    ))
                })?;
                if mac.is_multicast() {
                    return Err(xml_err(format!(
                        "Invalid multicast bridge mac address '{text}' in network '{net}'"
                    )));
                }
                Some(mac)
            }
            None => None,
        };
        let mtu =
            match root.child("mtu").and_then(|m| m.attr("size")) {
                Some(text) => Some(text.parse::<u32>().map_err(|_| {
                    xml_err(format!("Invalid mtu size '{text}' in network '{net}'"))
                })?),
                None => None,
            };
        let dns = match root.child("dns") {
            Some(d) => Dns::parse(d, &net)?,
            None => Dns::default(),
        };
        let ips = root
            .children_named("ip")
            .map(|i| IpDef::parse(i, &net))
            .collect::<Result<Vec<_>, _>>()?;
        let forward = root
            .child("forward")
            .map(|f| Forward::parse(f, &net))
            .transpose()?;
        let def = NetworkDef {
            name,
            uuid,
            title,
            description: text_of(root, "description"),
            metadata: root.child("metadata").and_then(custom::metadata),
            ipv6,
            trust_guest_rx_filters,
            forward,
            bridge,
            mtu,
            mac,
            domain,
            dns,
            ips,
        };
        def.check_mode()?;
        Ok(def)
    }

    /// The forward mode, `None` for an isolated network.
    pub fn mode(&self) -> Option<&str> {
        self.forward.as_ref().map(|f| f.mode.as_str())
    }

    /// Whether the network is made of a bridge of its own with addresses (isolated, nat,
    /// route, open), as opposed to a host bridge or device it hands guests to.
    pub fn has_own_bridge(&self) -> bool {
        matches!(self.mode(), None | Some("nat" | "route" | "open"))
    }

    /// The settings that must agree with the forward mode.
    fn check_mode(&self) -> Result<(), ModelError> {
        let net = self.name.as_str();
        let Some(f) = &self.forward else {
            return Ok(());
        };
        let mode = f.mode.as_str();
        match mode {
            "nat" | "route" | "open" => {
                if self.ips.is_empty() {
                    return Err(xml_err(format!(
                        "{mode} forwarding requested, but no IP address provided for network '{net}'"
                    )));
                }
                if f.interfaces.len() > 1 {
                    return Err(xml_err(format!(
                        "multiple forwarding interfaces specified for network '{net}', only one is supported"
                    )));
                }
                if mode == "open" && !f.interfaces.is_empty() {
                    return Err(xml_err(format!(
                        "forward dev not allowed for network '{net}' with forward mode='{mode}'"
                    )));
                }
            }
            _ => {
                if mode != "bridge" {
                    for (set, what) in [
                        (self.bridge.name.is_some(), "bridge name"),
                        (self.bridge.zone.is_some(), "bridge zone"),
                    ] {
                        if set {
                            return Err(xml_err(format!(
                                "{what} not allowed in {mode} mode (network '{net}')"
                            )));
                        }
                    }
                    if self.bridge.mac_table_manager.is_some() {
                        return Err(xml_err(format!(
                            "bridge macTableManager setting not allowed in {mode} mode (network '{net}')"
                        )));
                    }
                }
                if self.bridge.delay != 0 || self.bridge.stp_given || self.bridge.zone.is_some() {
                    return Err(xml_err(format!(
                        "bridge delay/stp/zone options only allowed in open, route, nat, and isolated mode, not in {mode} (network '{net}')"
                    )));
                }
                if self.bridge.name.is_some() && !f.interfaces.is_empty() {
                    return Err(xml_err(format!(
                        "A network with forward mode='{mode}' can specify a bridge name or a forward dev, but not both (network '{net}')"
                    )));
                }
                if self.mtu.is_some() {
                    return Err(xml_err(format!(
                        "mtu size only allowed in open, route, nat, and isolated mode, not in {mode} (network '{net}')"
                    )));
                }
            }
        }
        Ok(())
    }

    /// The network XML, as `virNetworkDefFormatBuf` writes it.
    pub fn to_xml(&self) -> String {
        let mut root = Element::new("network");
        if self.ipv6 {
            root = root.with("ipv6", "yes");
        }
        root = root.with_opt(
            "trustGuestRxFilters",
            self.trust_guest_rx_filters.map(yes_no),
        );
        root.push(Element::leaf("name", self.name.as_str()));
        root.push(Element::leaf("uuid", &self.uuid.to_string()));
        root.push_opt(self.title.as_deref().map(|t| Element::leaf("title", t)));
        root.push_opt(
            self.description
                .as_deref()
                .map(|d| Element::leaf("description", d)),
        );
        root.push_opt(custom::format_metadata(&self.metadata));
        if let Some(f) = &self.forward {
            root.push(f.to_element());
        }
        if self.has_own_bridge()
            || self.bridge.name.is_some()
            || self.bridge.mac_table_manager.is_some()
        {
            let mut b = Element::new("bridge")
                .with_opt("name", self.bridge.name.as_deref())
                .with_opt("zone", self.bridge.zone.as_deref());
            if self.has_own_bridge() {
                b = b
                    .with("stp", if self.bridge.stp { "on" } else { "off" })
                    .with("delay", self.bridge.delay.to_string());
            }
            root.push(b.with_opt("macTableManager", self.bridge.mac_table_manager.as_deref()));
        }
        root.push_opt(
            self.mtu
                .map(|m| Element::new("mtu").with("size", m.to_string())),
        );
        root.push_opt(
            self.mac
                .map(|m| Element::new("mac").with("address", m.to_string())),
        );
        if let Some(d) = &self.domain {
            root.push(
                Element::new("domain")
                    .with("name", &d.name)
                    .with_opt("localOnly", d.local_only.map(yes_no)),
            );
        }
        root.push_opt(self.dns.to_element());
        for i in &self.ips {
            root.push(i.to_element());
        }
        render(&root, Style::Libvirt, 0) + "\n"
    }
}

#[cfg(test)]
mod tests;
