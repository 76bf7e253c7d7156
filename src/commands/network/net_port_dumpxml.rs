//! `net-port-dumpxml`: a network port's XML.

use virtsh_commands::network::NetPortDumpxml;

use crate::commands::prelude::*;

impl Run for NetPortDumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let port = lookup::network_port(&conn, Self::NAME, &self.target.network, &self.port)?;
        dump_xml(conn.networks().network_port_xml(&port)?, &self.xpath)
    }
}
