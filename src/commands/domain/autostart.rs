//! `autostart`: mark a domain to start at boot, or unmark it.

use virtsh_commands::domain::Autostart;

use crate::commands::prelude::*;

impl Run for Autostart {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.once, "once")?;
        let arg = &self.target.domain;
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, arg, By::ANY)?;
        let (verb, done) = autostart_verbs(self.disable);
        conn.domains()
            .set_domain_autostart(&dom, !self.disable)
            .map_err(|e| {
                CmdError::failed(format!("Failed to {verb} domain '{arg}' as autostarted"), e)
            })?;
        message(format!("Domain '{arg}' {done} as autostarted"))
    }
}
