//! `autostart`: mark a domain to start at boot (or, `--once`, at the next boot only), or
//! unmark it.

use virtsh_commands::domain::Autostart;

use crate::commands::prelude::*;

impl Run for Autostart {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let arg = &self.target.domain;
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, arg, By::ANY)?;
        let (verb, done) = autostart_verbs(self.disable);
        let on = !self.disable;
        let (set, when) = match self.once {
            false => (conn.domains().set_domain_autostart(&dom, on), ""),
            true => (
                conn.domains().set_domain_autostart_once(&dom, on),
                " on next boot",
            ),
        };
        set.map_err(|e| {
            CmdError::failed(
                format!("Failed to {verb} domain '{arg}' as autostarted{when}"),
                e,
            )
        })?;
        message(format!("Domain '{arg}' {done} as autostarted{when}"))
    }
}
