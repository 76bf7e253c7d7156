//! `save-image-dumpxml`: the domain XML a save image holds.

use virtsh_commands::domain::SaveImageDumpxml;

use crate::commands::prelude::*;

impl Run for SaveImageDumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let flags = XmlFlags::from_options([(self.security_info, XmlFlags::SECURE)]);
        quiet_xpath(&self.xpath)?;
        let xml = conn.domains().save_image_xml(&self.file, flags)?;
        dump_xml(xml, &self.xpath)
    }
}
