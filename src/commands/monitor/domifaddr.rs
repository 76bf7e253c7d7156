//! `domifaddr`: the addresses of a running domain's interfaces, from the DHCP leases, the
//! guest agent or the host's ARP table.

use serde::Serialize;
use virtsh_commands::monitor::Domifaddr;

use crate::commands::prelude::*;

impl Run for Domifaddr {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let source = match self.source.as_deref() {
            None | Some("lease") => 0,
            Some("agent") => 1,
            Some("arp") => 2,
            Some(other) => return Err(CmdError::message(format!("Unknown data source '{other}'"))),
        };
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let ifaces = conn
            .domains()
            .interface_addresses(&dom, source)
            .map_err(|e| CmdError::failed("Failed to query for interfaces addresses", e))?;
        let rows = ifaces
            .into_iter()
            .filter(|i| self.interface.as_ref().is_none_or(|want| *want == i.name))
            .map(|i| Row {
                name: i.name,
                mac: i.hwaddr,
                addresses: i
                    .addrs
                    .into_iter()
                    .map(|a| Address {
                        protocol: if a.kind == 1 { "ipv6" } else { "ipv4" },
                        address: format!("{}/{}", a.addr, a.prefix),
                    })
                    .collect(),
            })
            .collect();
        Ok(Outcome::data(AddrView {
            rows,
            style: self.full,
        }))
    }
}

#[derive(Debug, Serialize)]
struct Row {
    name: String,
    mac: Option<String>,
    addresses: Vec<Address>,
}

#[derive(Debug, Serialize)]
struct Address {
    protocol: &'static str,
    address: String,
}

/// The interfaces; the style is `--full` (the name and MAC on every address's line).
type AddrView = Listing<Row, bool>;

impl TextView for AddrView {
    fn text(&self, quiet: bool) -> String {
        let mut out = String::new();
        if !quiet {
            out.push_str(&format!(
                " {:<10} {:<20} {:<8}     {}\n{}\n",
                "Name",
                "MAC address",
                "Protocol",
                "Address",
                "-".repeat(79)
            ));
        }
        for r in &self.rows {
            let mac = r.mac.as_deref().unwrap_or("");
            if r.addresses.is_empty() {
                let mac = r.mac.as_deref().unwrap_or("N/A");
                out.push_str(&format!(
                    " {:<10} {:<17}    {:<12} N/A\n",
                    r.name, mac, "N/A"
                ));
                continue;
            }
            for (j, a) in r.addresses.iter().enumerate() {
                let (name, mac) = if self.style || j == 0 {
                    (r.name.as_str(), mac)
                } else {
                    ("-", "-")
                };
                out.push_str(&format!(
                    " {name:<10} {mac:<17}    {:<12} {}\n",
                    a.protocol, a.address
                ));
            }
        }
        out
    }
}
