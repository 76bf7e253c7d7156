//! `net-port-delete`: delete a port of a network.

use virtsh_commands::network::NetPortDelete;

use crate::commands::prelude::*;

impl Run for NetPortDelete {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let port = lookup::network_port(&conn, Self::NAME, &self.target.network, &self.port)?;
        conn.networks().delete_network_port(&port).map_err(|e| {
            CmdError::failed(format!("Failed to delete network port {}", self.port), e)
        })?;
        message(format!("Network port {} deleted", self.port))
    }
}
