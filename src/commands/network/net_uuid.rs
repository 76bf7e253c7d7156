//! `net-uuid`: a network's UUID, from its name.

use virtsh_commands::network::NetUuid;

use crate::commands::prelude::*;

impl Run for NetUuid {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, &self.target.network, By::NAME)?;
        Ok(Outcome::Value(Line::from(net.uuid.to_string())))
    }
}
