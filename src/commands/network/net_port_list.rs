//! `net-port-list`: the ports of a network.

use virtsh_commands::network::NetPortList;

use crate::commands::prelude::*;

impl Run for NetPortList {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        exclusive(&[(self.table, "table", self.uuid, "uuid")])?;
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, &self.target.network, By::NAME_UUID)?;
        let mut ports = conn.networks().list_network_ports(&net)?;
        ports.sort_by_key(|p| p.uuid);
        let rows = ports.iter().map(|p| p.uuid.to_string()).collect();
        Ok(Outcome::data(PortsView {
            rows,
            style: self.uuid,
        }))
    }
}

/// The ports' UUIDs; the style is `--uuid`.
type PortsView = Listing<String, bool>;

impl TextView for PortsView {
    fn text(&self, quiet: bool) -> String {
        if self.style {
            return self.rows.iter().map(|u| format!("{u}\n")).collect();
        }
        let mut t = Table::new(["UUID"]);
        for u in &self.rows {
            t.row([u.as_str()]);
        }
        t.render(!quiet)
    }
}
