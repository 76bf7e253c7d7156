//! `net-autostart`: mark a network to start at boot, or unmark it.

use virtsh_commands::network::NetAutostart;

use crate::commands::prelude::*;

impl Run for NetAutostart {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let arg = &self.target.network;
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, arg, By::NAME_UUID)?;
        let (verb, done) = autostart_verbs(self.disable);
        conn.networks()
            .set_network_autostart(&net, !self.disable)
            .map_err(|e| {
                CmdError::failed(format!("failed to {verb} network {arg} as autostarted"), e)
            })?;
        message(format!("Network {arg} {done} as autostarted"))
    }
}
