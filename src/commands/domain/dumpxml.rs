//! `dumpxml`: a domain's XML.

use virtsh_commands::domain::Dumpxml;

use crate::commands::prelude::*;

impl Run for Dumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let flags = XmlFlags::from_options([
            (self.inactive, XmlFlags::INACTIVE),
            (self.security_info, XmlFlags::SECURE),
            (self.update_cpu, XmlFlags::UPDATE_CPU),
            (self.migratable, XmlFlags::MIGRATABLE),
        ]);
        dump_xml(conn.domains().domain_xml(&dom, flags)?, &self.xpath)
    }
}
