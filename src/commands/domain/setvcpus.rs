//! `setvcpus`: change a domain's number of virtual CPUs.

use virtsh_commands::domain::Setvcpus;

use crate::commands::prelude::*;

impl Run for Setvcpus {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = impact(&self.impact)?;
        if self.count == 0 {
            return Err(CmdError::message("Can't set 0 processors for a VM"));
        }
        refuse(self.guest, "guest")?;
        refuse(self.hotpluggable, "hotpluggable")?;
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let mut flags = flags.unwrap_or(ModifyFlags::LIVE);
        if self.maximum {
            flags |= ModifyFlags::MAXIMUM;
        }
        conn.domains().set_vcpus(&dom, self.count, flags)?;
        Ok(Outcome::Nothing)
    }
}
