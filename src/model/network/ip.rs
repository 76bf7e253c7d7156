//! `<ip>`: a network's addresses and the DHCP service on them.

use std::net::IpAddr;

use super::{ip, tristate, uint_attr, unsupported, xml_err, yes_no, Mac};
use crate::model::dom::Element;
use crate::model::read::invalid;
use crate::model::ModelError;

#[derive(Debug, Clone, PartialEq)]
pub struct IpDef {
    pub family: Option<String>,
    pub address: IpAddr,
    pub netmask: Option<IpAddr>,
    /// 0: not given.
    pub prefix: u32,
    pub local_ptr: Option<bool>,
    pub tftp_root: Option<String>,
    pub ranges: Vec<DhcpRange>,
    pub hosts: Vec<DhcpHost>,
    pub bootp: Option<(String, Option<IpAddr>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DhcpRange {
    pub start: IpAddr,
    pub end: IpAddr,
    pub lease: Option<Lease>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DhcpHost {
    pub mac: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
    pub ip: Option<IpAddr>,
    pub lease: Option<Lease>,
}

/// A DHCP lease time: `expiry` 0 is infinite.
#[derive(Debug, Clone, PartialEq)]
pub struct Lease {
    pub expiry: u64,
    pub unit: String,
}

impl IpDef {
    /// The prefix length of the address (`virNetworkIPDefPrefix`): the prefix, else the
    /// netmask's, else the classful default of an IPv4 address (IPv6: 64); `None` where
    /// libvirt's is -1 (a netmask that is no prefix, a class D or E address).
    pub fn prefix_len(&self) -> Option<u32> {
        if self.prefix > 0 {
            return Some(self.prefix);
        }
        if let Some(IpAddr::V4(m)) = self.netmask {
            let bits = u32::from(m);
            // Contiguous ones, then zeros.
            return (bits.leading_ones() + bits.trailing_zeros() == 32).then(|| bits.count_ones());
        }
        match self.address {
            IpAddr::V4(a) if a.is_unspecified() => Some(0),
            IpAddr::V4(a) => match a.octets()[0] {
                0..=127 => Some(8),
                128..=191 => Some(16),
                192..=223 => Some(24),
                _ => None,
            },
            IpAddr::V6(a) if a.is_unspecified() => Some(0),
            IpAddr::V6(_) => Some(64),
        }
    }

    /// The network's first address and its prefix (`None`: no valid prefix).
    pub fn subnet(&self) -> Option<(IpAddr, u32)> {
        let p = self.prefix_len()?;
        Some((mask(self.address, p), p))
    }
}

/// `addr` with its host bits cleared.
pub fn mask(addr: IpAddr, prefix: u32) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let m = u32::MAX.checked_shl(32 - prefix.min(32)).unwrap_or(0);
            IpAddr::V4((u32::from(a) & m).into())
        }
        IpAddr::V6(a) => {
            let m = u128::MAX.checked_shl(128 - prefix.min(128)).unwrap_or(0);
            IpAddr::V6((u128::from(a) & m).into())
        }
    }
}

/// libvirt's sanity check of an address range (`virSocketAddrGetRange`), with the network
/// it must lie in (`within`: the network's address, as written, and its prefix); returns the
/// number of addresses.
pub(super) fn range_of(
    start: IpAddr,
    end: IpAddr,
    within: Option<(IpAddr, Option<u32>)>,
) -> Result<u64, ModelError> {
    let (s, e) = (start.to_string(), end.to_string());
    let fail = |m: String| Err(ModelError::Internal(m));
    if start.is_ipv4() != end.is_ipv4() {
        return fail(format!("mismatch of address family in range {s} - {e}"));
    }
    if let Some((net, prefix)) = within {
        let netstr = net.to_string();
        if start.is_ipv4() != net.is_ipv4() {
            return fail(format!(
                "mismatch of address family in range {s} - {e} for network {netstr}"
            ));
        }
        let max = if net.is_ipv4() { 32 } else { 128 };
        let Some(prefix) = prefix.filter(|p| *p <= max) else {
            let shown = prefix.map_or(-1, i64::from);
            return fail(format!(
                "bad prefix {shown} for network {netstr} when checking range {s} - {e}"
            ));
        };
        let net_addr = mask(net, prefix);
        if mask(start, prefix) != net_addr || mask(end, prefix) != net_addr {
            return fail(format!(
                "range {s} - {e} is not entirely within network {netstr}/{prefix}"
            ));
        }
        if let (IpAddr::V4(n), IpAddr::V4(st), IpAddr::V4(en)) = (net, start, end) {
            let host = u32::MAX.checked_shr(prefix).unwrap_or(0);
            if u32::from(st) == u32::from(n) & !host {
                return fail(format!(
                    "start of range {s} - {e} in network {netstr}/{prefix} is the network address"
                ));
            }
            if u32::from(en) == u32::from(n) | host {
                return fail(format!(
                    "end of range {s} - {e} in network {netstr}/{prefix} is the broadcast address"
                ));
            }
        }
    }
    match (start, end) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let (a, b) = (u32::from(a), u32::from(b));
            if b < a {
                return fail(format!("range {s} - {e} is reversed "));
            }
            if b - a > 65535 {
                return fail(format!("range {s} - {e} is too large (> 65535)"));
            }
            Ok(u64::from(b - a) + 1)
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            // libvirt's legacy rule: all but the last two bytes alike.
            let (a, b) = (a.octets(), b.octets());
            if a[..14] != b[..14] {
                return fail(format!("range {s} - {e} is too large (> 65535)"));
            }
            let (a, b) = (
                u16::from_be_bytes([a[14], a[15]]),
                u16::from_be_bytes([b[14], b[15]]),
            );
            if b < a {
                return fail(format!("range {s} - {e} start larger than end"));
            }
            Ok(u64::from(b - a) + 1)
        }
        _ => unreachable!("families compared above"),
    }
}

impl IpDef {
    pub(super) fn parse(i: &Element, net: &str) -> Result<IpDef, ModelError> {
        let family = i.attr("family").map(str::to_string);
        let text = i.attr("address").ok_or_else(|| {
            xml_err(format!(
                "Missing required address attribute in network '{net}'"
            ))
        })?;
        let address = ip(text)
            .ok_or_else(|| xml_err(format!("Invalid address '{text}' in network '{net}'")))?;
        let netmask_text = i.attr("netmask");
        let netmask = match netmask_text {
            Some(m) => Some(
                ip(m)
                    .ok_or_else(|| xml_err(format!("Invalid netmask '{m}' in network '{net}'")))?,
            ),
            None => None,
        };
        let prefix = uint_attr(i, "prefix")?.unwrap_or(0);
        let local_ptr = tristate(Some(i), "localPtr")?;
        match family.as_deref() {
            None | Some("ipv4") => {
                if !address.is_ipv4() {
                    return Err(unsupported(format!(
                        "{} family specified for non-IPv4 address '{text}' in network '{net}'",
                        family.as_deref().unwrap_or("no")
                    )));
                }
                if let Some(m) = netmask_text {
                    if !netmask.is_some_and(|n| n.is_ipv4()) {
                        return Err(unsupported(format!(
                            "Invalid netmask '{m}' for address '{text}' in network '{net}' (both must be IPv4)"
                        )));
                    }
                    if prefix > 0 {
                        return Err(unsupported(format!(
                            "Network '{net}' IP address cannot have both a prefix and a netmask"
                        )));
                    }
                } else if prefix > 32 {
                    return Err(unsupported(format!(
                        "Invalid IPv4 prefix '{prefix}' in network '{net}'"
                    )));
                }
            }
            Some("ipv6") => {
                if !address.is_ipv6() {
                    return Err(unsupported(format!(
                        "Family 'ipv6' specified for non-IPv6 address '{text}' in network '{net}'"
                    )));
                }
                if netmask_text.is_some() {
                    return Err(unsupported(format!(
                        "netmask not allowed for IPv6 address '{text}' in network '{net}'"
                    )));
                }
                if prefix > 128 {
                    return Err(unsupported(format!(
                        "Invalid IPv6 prefix '{prefix}' in network '{net}'"
                    )));
                }
            }
            Some(f) => {
                return Err(xml_err(format!(
                    "Unrecognized family '{f}' in network '{net}'"
                )))
            }
        }
        let mut def = IpDef {
            family,
            address,
            netmask,
            prefix,
            local_ptr,
            tftp_root: None,
            ranges: Vec::new(),
            hosts: Vec::new(),
            bootp: None,
        };
        if let Some(d) = i.child("dhcp") {
            for r in d.children_named("range") {
                def.ranges.push(def.dhcp_range(r, net)?);
            }
            for h in d.children_named("host") {
                def.hosts.push(def.dhcp_host(h, net, false)?);
            }
            if let (Some(b), true) = (d.child("bootp"), address.is_ipv4()) {
                let file = b.attr("file").ok_or_else(|| {
                    xml_err("Missing required attribute 'file' in element 'bootp'".into())
                })?;
                let server = b.attr("server").and_then(ip);
                def.bootp = Some((file.to_string(), server));
            }
        }
        if let Some(t) = i.child("tftp") {
            if !address.is_ipv4() {
                return Err(unsupported(format!(
                    "Unsupported <tftp> element in an IPv6 element in network '{net}'"
                )));
            }
            def.tftp_root = t.attr("root").map(str::to_string);
        }
        Ok(def)
    }

    pub fn dhcp_range(&self, r: &Element, net: &str) -> Result<DhcpRange, ModelError> {
        let get = |which: &str| {
            let text = r.attr(which).ok_or_else(|| {
                xml_err(format!(
                    "Missing '{which}' attribute in dhcp range for network '{net}'"
                ))
            })?;
            ip(text).ok_or_else(|| {
                ModelError::Internal(format!(
                    "Cannot parse socket address '{text}': Name or service not known"
                ))
            })
        };
        let (start, end) = (get("start")?, get("end")?);
        range_of(start, end, Some((self.address, self.prefix_len())))?;
        Ok(DhcpRange {
            start,
            end,
            lease: lease(r.child("lease"))?,
        })
    }

    /// A `<dhcp><host>`; `partial` for matching one (`net-update ... delete`).
    pub fn dhcp_host(&self, h: &Element, net: &str, partial: bool) -> Result<DhcpHost, ModelError> {
        let mac = h.attr("mac");
        if let Some(m) = mac {
            if self.address.is_ipv6() {
                return Err(xml_err(format!(
                    "Invalid to specify MAC address '{m}' in network '{net}' IPv6 static host definition"
                )));
            }
            let parsed = Mac::parse(m).ok_or_else(|| {
                xml_err(format!("Cannot parse MAC address '{m}' in network '{net}'"))
            })?;
            if parsed.is_multicast() {
                return Err(xml_err(format!(
                    "expected unicast mac address, found multicast '{m}' in network '{net}'"
                )));
            }
        }
        let id = h.attr("id");
        if let Some(id) = id {
            if let Some(c) = id.chars().find(|c| !(c.is_ascii_hexdigit() || *c == ':')) {
                return Err(xml_err(format!(
                    "Invalid character '{c}' in id '{id}' of network '{net}'"
                )));
            }
        }
        let name = h.attr("name");
        if name.is_some_and(|n| !n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())) {
            return Err(xml_err(format!(
                "Cannot use host name '{}' in network '{net}'",
                name.unwrap_or_default()
            )));
        }
        let ip_text = h.attr("ip");
        let ip = match ip_text {
            Some(t) => Some(ip(t).ok_or_else(|| {
                xml_err(format!(
                    "Invalid IP address in static host definition for network '{net}'"
                ))
            })?),
            None => None,
        };
        if partial {
            if mac.is_none() && name.is_none() && ip.is_none() {
                return Err(xml_err(format!(
                    "At least one of name, mac, or ip attribute must be specified for static host definition in network '{net}'"
                )));
            }
        } else {
            if self.address.is_ipv6() {
                if id.is_none() && name.is_none() {
                    return Err(xml_err(format!(
                        "Static host definition in IPv6 network '{net}' must have id or name attribute"
                    )));
                }
            } else if mac.is_none() && name.is_none() {
                return Err(xml_err(format!(
                    "Static host definition in IPv4 network '{net}' must have mac or name attribute"
                )));
            }
            if ip.is_none() {
                return Err(xml_err(format!(
                    "Missing IP address in static host definition for network '{net}'"
                )));
            }
        }
        Ok(DhcpHost {
            mac: mac.map(str::to_string),
            id: id.map(str::to_string),
            name: name.map(str::to_string),
            ip,
            lease: lease(h.child("lease"))?,
        })
    }

    pub(super) fn to_element(&self) -> Element {
        let mut e = Element::new("ip")
            .with_opt("family", self.family.as_deref())
            .with("address", self.address.to_string())
            .with_opt("netmask", self.netmask.map(|m| m.to_string()))
            .with_opt("prefix", (self.prefix > 0).then(|| self.prefix.to_string()))
            .with_opt("localPtr", self.local_ptr.map(yes_no))
            // libvirt closes <ip> on a line of its own even when it holds nothing.
            .never_empty();
        e.push_opt(
            self.tftp_root
                .as_deref()
                .map(|r| Element::new("tftp").with("root", r)),
        );
        if !self.ranges.is_empty() || !self.hosts.is_empty() {
            let mut d = Element::new("dhcp");
            for r in &self.ranges {
                let mut re = Element::new("range")
                    .with("start", r.start.to_string())
                    .with("end", r.end.to_string());
                re.push_opt(r.lease.as_ref().map(Lease::to_element));
                d.push(re);
            }
            for h in &self.hosts {
                d.push(h.to_element());
            }
            if let Some((file, server)) = &self.bootp {
                d.push(
                    Element::new("bootp")
                        .with("file", file)
                        .with_opt("server", server.map(|s| s.to_string())),
                );
            }
            e.push(d);
        }
        e
    }
}

impl DhcpHost {
    pub fn to_element(&self) -> Element {
        let mut e = Element::new("host")
            .with_opt("mac", self.mac.as_deref())
            .with_opt("id", self.id.as_deref())
            .with_opt("name", self.name.as_deref())
            .with_opt("ip", self.ip.map(|i| i.to_string()));
        e.push_opt(self.lease.as_ref().map(Lease::to_element));
        e
    }

    /// Whether `probe` (a partial host) names this entry: by MAC, IP or name.
    pub fn matches(&self, probe: &DhcpHost) -> bool {
        let mac_eq = match (&probe.mac, &self.mac) {
            (Some(a), Some(b)) => Mac::parse(a) == Mac::parse(b),
            _ => false,
        };
        mac_eq
            || (probe.ip.is_some() && probe.ip == self.ip)
            || (probe.name.is_some() && probe.name == self.name)
    }
}

impl Lease {
    pub(super) fn to_element(&self) -> Element {
        let e = Element::new("lease").with("expiry", self.expiry.to_string());
        if self.expiry == 0 {
            e
        } else {
            e.with("unit", &self.unit)
        }
    }
}

/// `<lease expiry='N' unit='...'/>`, at least two minutes unless infinite.
fn lease(l: Option<&Element>) -> Result<Option<Lease>, ModelError> {
    let Some(l) = l else { return Ok(None) };
    let Some(text) = l.attr("expiry") else {
        return Ok(None);
    };
    let expiry = text.parse::<u64>().map_err(|_| {
        invalid(format!(
            "Invalid value for attribute 'expiry' in element 'lease': '{text}'. Expected non-negative integer value"
        ))
    })?;
    let unit = match l.attr("unit") {
        None => "minutes".to_string(),
        Some(u @ ("seconds" | "minutes" | "hours")) => u.to_string(),
        Some(u) => {
            return Err(invalid(format!(
                "Invalid value for attribute 'unit' in element 'lease': '{u}'"
            )))
        }
    };
    if expiry > 0 && ((unit == "seconds" && expiry < 120) || (unit == "minutes" && expiry < 2)) {
        return Err(unsupported(
            "The minimum lease time should be greater than 2 minutes".into(),
        ));
    }
    Ok(Some(Lease { expiry, unit }))
}
