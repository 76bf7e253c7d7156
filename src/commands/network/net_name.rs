//! `net-name`: a network's name, from its UUID.

use virtsh_commands::network::NetName;

use crate::commands::prelude::*;

impl Run for NetName {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, &self.target.network, By::UUID)?;
        Ok(Outcome::Value(Line::from(net.name)))
    }
}
