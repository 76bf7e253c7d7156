//! `managedsave-dumpxml`: the domain XML of a domain's managed save image.

use virtsh_commands::domain::ManagedsaveDumpxml;

use crate::commands::prelude::*;

impl Run for ManagedsaveDumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let flags = XmlFlags::from_options([(self.security_info, XmlFlags::SECURE)]);
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        quiet_xpath(&self.xpath)?;
        let xml = conn.domains().managed_save_xml(&dom, flags)?;
        dump_xml(xml, &self.xpath)
    }
}
