//! What the embedded driver refuses before a network's values reach the host, where virtsh
//! runs the kernel's netlink, `nft` and `dnsmasq` as root. libvirt's test driver keeps
//! accepting these definitions, as libvirt's does; here virtsh is stricter than libvirt on
//! purpose (the README says where):
//!
//! - an interface name (a bridge, a forward device, a tap) is what the kernel takes (1 to 15
//!   bytes, not `.` or `..`), of letters, digits, `.`, `_`, `-` and `+` only, so that no tool
//!   that later reads it (dnsmasq's `interface=`, a firewall match) can take part of it for
//!   syntax;
//! - a name dnsmasq serves (DNS hosts, DHCP hosts, the domain, TXT and SRV names, forwarder
//!   domains) is a host name as RFC 1123 allows it;
//! - free text and file names dnsmasq reads (TXT values, TFTP roots, boot files) hold no
//!   control character, and file names no comma (dnsmasq's field separator);
//! - and what libvirt's network driver itself refuses at define and start (two IPv4 DHCP
//!   sections, a netmask that is not a prefix).

use crate::error::{Error, Result};
use crate::model::NetworkDef;

/// The longest interface name the kernel takes (`IFNAMSIZ` less its NUL).
const IFNAME_MAX: usize = 15;

/// `value` as an error message can show it: control characters escaped.
pub fn shown(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// An interface name as the kernel takes it (`dev_valid_name`), of the characters no tool
/// reads as syntax; `of` names its owner (`network 'n'`, `domain 'd'`).
pub fn interface_name(what: &str, name: &str, of: &str) -> Result<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+');
    if name.is_empty()
        || name.len() > IFNAME_MAX
        || name == "."
        || name == ".."
        || !name.chars().all(allowed)
    {
        return Err(Error::unsupported(format!(
            "{what} '{}' of {of} is not a valid interface name: use 1 to 15 letters, digits, '.', '_', '-' or '+' (not '.' or '..')",
            shown(name)
        )));
    }
    Ok(())
}

/// A host name as RFC 1123 allows it: dot-separated labels of letters, digits and `-` (not
/// at either end), each 1 to 63 characters, 253 in all; `underscore` admits `_` too (TXT and
/// SRV owner names such as `_dmarc`).
fn host_name(what: &str, name: &str, net: &str, underscore: bool) -> Result<()> {
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || (underscore && c == '_'))
    };
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    if name.len() > 253 || !trimmed.split('.').all(label_ok) {
        return Err(Error::unsupported(format!(
            "{what} '{}' of network '{net}' is not a valid host name: use dot-separated labels of letters, digits and '-' (RFC 1123)",
            shown(name)
        )));
    }
    Ok(())
}

/// Text dnsmasq reads within one line of its configuration (which it ends at a control
/// character, and strips of trailing white space).
fn text(what: &str, value: &str, net: &str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(Error::unsupported(format!(
            "{what} '{}' of network '{net}' holds a control character",
            shown(value)
        )));
    }
    if value.ends_with(char::is_whitespace) {
        return Err(Error::unsupported(format!(
            "{what} '{value}' of network '{net}' ends with white space, which dnsmasq drops"
        )));
    }
    Ok(())
}

/// A file name dnsmasq reads: text without dnsmasq's field separator.
fn file_name(what: &str, value: &str, net: &str) -> Result<()> {
    text(what, value, net)?;
    if value.contains(',') {
        return Err(Error::unsupported(format!(
            "{what} '{value}' of network '{net}' holds a comma"
        )));
    }
    Ok(())
}

/// Everything in `def` that reaches the host, checked before it is stored (define, create,
/// `net-update`) and again before it is built (a definition stored by hand).
pub fn check_definition(def: &NetworkDef) -> Result<()> {
    let net = def.name.as_str();
    let of = format!("network '{net}'");
    if let Some(b) = &def.bridge.name {
        interface_name("bridge name", b, &of)?;
    }
    for dev in def.forward.iter().flat_map(|f| &f.interfaces) {
        interface_name("forward device", dev, &of)?;
    }
    if let Some(d) = &def.domain {
        host_name("domain name", &d.name, net, false)?;
    }
    for (domain, _) in &def.dns.forwarders {
        if let Some(d) = domain {
            host_name("DNS forwarder domain", d, net, false)?;
        }
    }
    for h in &def.dns.hosts {
        for n in &h.names {
            host_name("DNS host name", n, net, false)?;
        }
    }
    for (name, value) in &def.dns.txts {
        host_name("DNS TXT record name", name, net, true)?;
        text("DNS TXT record value", value, net)?;
    }
    for s in &def.dns.srvs {
        if let Some(d) = &s.domain {
            host_name("DNS SRV domain", d, net, true)?;
        }
        if let Some(t) = s.target.as_deref().filter(|t| *t != ".") {
            host_name("DNS SRV target", t, net, false)?;
        }
    }
    let mut dhcp4 = 0;
    let mut dhcp6 = 0;
    for ip in &def.ips {
        if !ip.ranges.is_empty() || !ip.hosts.is_empty() {
            if ip.address.is_ipv4() {
                dhcp4 += 1;
            } else {
                dhcp6 += 1;
            }
        }
        for h in &ip.hosts {
            if let Some(n) = &h.name {
                host_name("DHCP host name", n, net, false)?;
            }
        }
        if let Some(root) = &ip.tftp_root {
            file_name("TFTP root", root, net)?;
        }
        if let Some((file, _)) = &ip.bootp {
            file_name("DHCP boot file", file, net)?;
        }
    }
    // libvirt's networkValidate.
    for (count, family) in [(dhcp4, "IPv4"), (dhcp6, "IPv6")] {
        if count > 1 {
            return Err(Error::unsupported(format!(
                "Multiple {family} dhcp sections found -- dhcp is supported only for a single {family} address on each network"
            )));
        }
    }
    Ok(())
}

/// What libvirt's network driver refuses only when it builds the network: an address whose
/// netmask is no prefix (`255.0.255.0`).
pub fn check_start(def: &NetworkDef, bridge: &str) -> Result<()> {
    if def.ips.iter().any(|ip| ip.prefix_len().is_none()) {
        return Err(match def.mode() {
            Some("nat" | "route") => {
                Error::internal(format!("Invalid prefix or netmask for '{bridge}'"))
            }
            _ => Error::internal(format!(
                "bridge '{bridge}' has an invalid netmask or IP address"
            )),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_names_as_the_kernel_and_the_tools_take_them() {
        for ok in [
            "virbr0",
            "br-lan",
            "eth0.100",
            "a",
            "br_x+1",
            "123456789012345",
        ] {
            assert!(
                interface_name("bridge name", ok, "network 'n'").is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "",
            ".",
            "..",
            "1234567890123456",
            "a/b",
            "a:b",
            "a b",
            "a\tb",
            "x\"; flush ruleset",
            "hx%d",
            "a,eth0",
            "a#b",
            "é",
        ] {
            let e = interface_name("bridge name", bad, "network 'n'").unwrap_err();
            assert!(
                e.message
                    .starts_with("unsupported configuration: bridge name '"),
                "{e}"
            );
        }
    }

    #[test]
    fn host_names_as_rfc_1123_allows() {
        for ok in ["h", "h.example", "a-b.c1", "example.com.", "x1"] {
            assert!(host_name("DNS host name", ok, "n", false).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "h.example,10.231.2.6\ndhcp-script=/tmp/evil.sh",
            "-a",
            "a-",
            "a..b",
            "a b",
            "a_b",
            &"x".repeat(64),
        ] {
            assert!(
                host_name("DNS host name", bad, "n", false).is_err(),
                "{bad}"
            );
        }
        assert!(host_name("DNS TXT record name", "_dmarc", "n", true).is_ok());
    }

    #[test]
    fn a_control_character_is_shown_escaped() {
        let e = host_name("DNS host name", "a\nb", "n", false).unwrap_err();
        assert!(e.message.contains("'a\\nb'"), "{e}");
    }
}
