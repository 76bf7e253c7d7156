//! `<domain>` and `<dns>`: the names a network's DNS server answers for.

use std::net::IpAddr;

use super::{ip, tristate, xml_err, yes_no};
use crate::model::dom::Element;
use crate::model::ModelError;

#[derive(Debug, Clone, PartialEq)]
pub struct DnsDomain {
    pub name: String,
    pub local_only: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dns {
    pub enable: Option<bool>,
    pub forward_plain_names: Option<bool>,
    pub forwarders: Vec<(Option<String>, Option<IpAddr>)>,
    pub txts: Vec<(String, String)>,
    pub srvs: Vec<Srv>,
    pub hosts: Vec<DnsHost>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Srv {
    pub service: String,
    pub protocol: String,
    pub domain: Option<String>,
    pub target: Option<String>,
    pub port: u32,
    pub priority: u32,
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DnsHost {
    pub ip: IpAddr,
    pub names: Vec<String>,
}

/// The characters of an SRV record's protocol and service (libvirt's `PROTOCOL_CHARS`,
/// `SERVICE_CHARS`).
fn protocol_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '/')
}

fn service_char(c: char) -> bool {
    protocol_char(c) || matches!(c, '_' | '*')
}

/// The longest SRV service (libvirt's `DNS_RECORD_LENGTH_SRV`).
const SRV_SERVICE_MAX: usize = 512 - 30;

impl Srv {
    /// A `<srv>` with libvirt's checks (`virNetworkDNSSrvDefParseXML`).
    fn parse(s: &Element, net: &str) -> Result<Srv, ModelError> {
        let detail = |m: String| Err(ModelError::Detail(m));
        let Some(service) = s.attr("service") else {
            return detail(format!(
                "missing required service attribute in DNS SRV record of network '{net}'"
            ));
        };
        if service.len() > SRV_SERVICE_MAX {
            return detail(format!(
                "service attribute '{service}' in network '{net}' is too long, limit is {SRV_SERVICE_MAX} bytes"
            ));
        }
        if !service.chars().all(service_char) {
            return detail(format!(
                "invalid character in service attribute '{service}' in DNS SRV record of network '{net}'"
            ));
        }
        let Some(protocol) = s.attr("protocol") else {
            return detail(format!(
                "missing required protocol attribute in DNS SRV record '{service}' of network '{net}'"
            ));
        };
        if !protocol.chars().all(protocol_char) {
            return detail(format!(
                "invalid character in protocol attribute '{protocol}' in DNS SRV record of network '{net}'"
            ));
        }
        let target = s.attr("target").map(str::to_string);
        // libvirt's virXPathUInt: an absent value is 0, one that is not a number is refused.
        let number = |attr: &str, what: &str, lo: u32| -> Result<u32, ModelError> {
            let Some(text) = s.attr(attr) else {
                return Ok(0);
            };
            let value = text.parse::<u32>();
            if value.is_ok() && target.is_none() {
                return Err(ModelError::Detail(format!(
                    "DNS SRV {attr} attribute not permitted without target for service '{service}' in network '{net}'"
                )));
            }
            match value {
                Ok(v) if (lo..=65535).contains(&v) => Ok(v),
                _ => Err(ModelError::Detail(format!(
                    "{what} for service '{service}' in network '{net}'"
                ))),
            }
        };
        Ok(Srv {
            service: service.to_string(),
            protocol: protocol.to_string(),
            domain: s.attr("domain").map(str::to_string),
            port: number("port", "invalid DNS SRV port attribute", 1)?,
            priority: number("priority", "Invalid DNS SRV priority attribute", 0)?,
            weight: number("weight", "invalid DNS SRV weight attribute", 0)?,
            target,
        })
    }
}

impl Dns {
    pub(super) fn parse(d: &Element, net: &str) -> Result<Dns, ModelError> {
        let detail = |m: String| ModelError::Detail(m);
        let mut dns = Dns {
            enable: tristate(Some(d), "enable")?,
            forward_plain_names: tristate(Some(d), "forwardPlainNames")?,
            ..Dns::default()
        };
        for f in d.children_named("forwarder") {
            let addr = match f.attr("addr") {
                Some(a) => Some(ip(a).ok_or_else(|| {
                    xml_err(format!(
                        "Invalid forwarder IP address '{a}' in network '{net}'"
                    ))
                })?),
                None => None,
            };
            let domain = f.attr("domain").map(str::to_string);
            if addr.is_none() && domain.is_none() {
                return Err(xml_err(format!(
                    "Invalid forwarder element, must contain at least one of addr or domain in network '{net}'"
                )));
            }
            dns.forwarders.push((domain, addr));
        }
        for h in d.children_named("host") {
            let names: Vec<String> = h.children_named("hostname").map(Element::text).collect();
            if names.is_empty() || names.iter().any(String::is_empty) {
                return Err(detail(format!(
                    "Missing hostname in network '{net}' DNS HOST record"
                )));
            }
            let text = h.attr("ip").ok_or_else(|| {
                detail(format!(
                    "Missing IP address in network '{net}' DNS HOST record"
                ))
            })?;
            let ip = ip(text).ok_or_else(|| {
                detail(format!(
                    "Invalid IP address in network '{net}' DNS HOST record"
                ))
            })?;
            dns.hosts.push(DnsHost { ip, names });
        }
        for s in d.children_named("srv") {
            dns.srvs.push(Srv::parse(s, net)?);
        }
        for t in d.children_named("txt") {
            let name = t.attr("name").ok_or_else(|| {
                detail(format!(
                    "missing required name attribute in DNS TXT record of network {net}"
                ))
            })?;
            if name.contains([' ', ',']) {
                return Err(detail(format!(
                    "prohibited character in DNS TXT record name '{name}' of network {net}"
                )));
            }
            let value = t.attr("value").ok_or_else(|| {
                detail(format!(
                    "missing required value attribute in DNS TXT record named '{name}' of network {net}"
                ))
            })?;
            dns.txts.push((name.to_string(), value.to_string()));
        }
        Ok(dns)
    }

    pub(super) fn to_element(&self) -> Option<Element> {
        let has_records = !(self.forwarders.is_empty()
            && self.hosts.is_empty()
            && self.srvs.is_empty()
            && self.txts.is_empty());
        if !has_records && self.enable.is_none() && self.forward_plain_names.is_none() {
            return None;
        }
        let mut e = Element::new("dns")
            .with_opt("enable", self.enable.map(yes_no))
            .with_opt("forwardPlainNames", self.forward_plain_names.map(yes_no));
        for (domain, addr) in &self.forwarders {
            e.push(
                Element::new("forwarder")
                    .with_opt("domain", domain.as_deref())
                    .with_opt("addr", addr.map(|a| a.to_string())),
            );
        }
        for (name, value) in &self.txts {
            e.push(Element::new("txt").with("name", name).with("value", value));
        }
        for s in &self.srvs {
            let nz = |v: u32| (v != 0).then(|| v.to_string());
            e.push(
                Element::new("srv")
                    .with("service", &s.service)
                    .with("protocol", &s.protocol)
                    .with_opt("domain", s.domain.as_deref())
                    .with_opt("target", s.target.as_deref())
                    .with_opt("port", nz(s.port))
                    .with_opt("priority", nz(s.priority))
                    .with_opt("weight", nz(s.weight)),
            );
        }
        for h in &self.hosts {
            let mut host = Element::new("host").with("ip", h.ip.to_string());
            for n in &h.names {
                host.push(Element::leaf("hostname", n));
            }
            e.push(host);
        }
        Some(e)
    }
}
