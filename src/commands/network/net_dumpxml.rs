//! `net-dumpxml`: a network's XML.

use virtsh_commands::network::NetDumpxml;

use crate::commands::prelude::*;

impl Run for NetDumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, &self.target.network, By::NAME_UUID)?;
        dump_xml(
            conn.networks().network_xml(&net, self.inactive)?,
            &self.xpath,
        )
    }
}
