//! `net-dhcp-leases`: the addresses a network's DHCP server handed out.

use serde::Serialize;
use virtsh_commands::network::NetDhcpLeases;

use crate::commands::prelude::*;

impl Run for NetDhcpLeases {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let arg = &self.target.network;
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, arg, By::NAME_UUID)?;
        let mut leases = conn
            .networks()
            .network_dhcp_leases(&net, self.mac.as_deref())
            .map_err(|e| CmdError::failed(format!("Failed to get leases info for {arg}"), e))?;
        leases.sort_by_key(|l| l.mac.clone().unwrap_or_default().to_lowercase());
        let rows = leases
            .into_iter()
            .map(|l| Row {
                expiry: crate::sys::local_time(l.expiry_time),
                mac: l.mac.unwrap_or_else(|| "-".into()),
                protocol: if l.kind == 1 { "ipv6" } else { "ipv4" },
                address: format!("{}/{}", l.ipaddr, l.prefix),
                hostname: l.hostname.unwrap_or_else(|| "-".into()),
                client_id: l.clientid.unwrap_or_else(|| "-".into()),
            })
            .collect();
        Ok(Outcome::data(LeasesView { rows, style: () }))
    }
}

#[derive(Debug, Serialize)]
struct Row {
    expiry: String,
    mac: String,
    protocol: &'static str,
    address: String,
    hostname: String,
    client_id: String,
}

type LeasesView = Listing<Row, ()>;

impl TextView for LeasesView {
    fn text(&self, quiet: bool) -> String {
        let mut t = Table::new([
            "Expiry Time",
            "MAC address",
            "Protocol",
            "IP address",
            "Hostname",
            "Client ID or DUID",
        ]);
        for r in &self.rows {
            t.row([
                r.expiry.as_str(),
                &r.mac,
                r.protocol,
                &r.address,
                &r.hostname,
                &r.client_id,
            ]);
        }
        t.render(!quiet)
    }
}
