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
            let service = s.attr("service").ok_or_else(|| {
                detail(format!(
                    "missing required service attribute in DNS SRV record of network '{net}'"
                ))
            })?;
            let protocol = s.attr("protocol").ok_or_else(|| {
                detail(format!(
                    "missing required protocol attribute in DNS SRV record '{service}' of network '{net}'"
                ))
            })?;
            let num = |a: &str| s.attr(a).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0);
            dns.srvs.push(Srv {
                service: service.to_string(),
                protocol: protocol.to_string(),
                domain: s.attr("domain").map(str::to_string),
                target: s.attr("target").map(str::to_string),
                port: num("port"),
                priority: num("priority"),
                weight: num("weight"),
            });
        }
        for t in d.children_named("txt") {
            let name = t.attr("name").ok_or_else(|| {
                detail(format!(
                    "missing required name attribute in DNS TXT record of network {net}"
                ))
            })?;
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
