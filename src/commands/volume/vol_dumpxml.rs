//! `vol-dumpxml`: a volume's XML.

use virtsh_commands::volume::VolDumpxml;

use crate::commands::prelude::*;

impl Run for VolDumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.xpath.xpath.is_some(), "xpath")?;
        let t = &self.target;
        let conn = s.conn()?;
        let vol = lookup::volume(&conn, Self::NAME, &t.vol, t.pool.as_deref())?;
        Ok(Outcome::Xml(conn.storage().vol_xml(&vol)?))
    }
}
