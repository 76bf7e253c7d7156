//! `vol-dumpxml`: a volume's XML.

use virtsh_commands::volume::VolDumpxml;

use crate::commands::prelude::*;

impl Run for VolDumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let t = &self.target;
        let conn = s.conn()?;
        let vol = lookup::volume(&conn, Self::NAME, &t.vol, t.pool.as_deref())?;
        dump_xml(conn.storage().vol_xml(&vol)?, &self.xpath)
    }
}
