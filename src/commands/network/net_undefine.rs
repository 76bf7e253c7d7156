//! `net-undefine`: remove a network's persistent definition.

use virtsh_commands::network::NetUndefine;

use crate::commands::prelude::*;

impl Run for NetUndefine {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let arg = &self.target.network;
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, arg, By::NAME_UUID)?;
        conn.networks()
            .undefine_network(&net)
            .map_err(|e| CmdError::failed(format!("Failed to undefine network {arg}"), e))?;
        message(format!("Network {arg} has been undefined"))
    }
}
