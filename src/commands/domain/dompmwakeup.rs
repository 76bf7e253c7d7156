//! `dompmwakeup`: wake a guest its power management suspended.

use virtsh_commands::domain::Dompmwakeup;

use crate::commands::prelude::*;

impl Run for Dompmwakeup {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        conn.domains().pm_wakeup(&dom).map_err(|e| {
            CmdError::failed(format!("Domain '{}' could not be woken up", dom.name), e)
        })?;
        // virsh's line has no newline of its own.
        Ok(Outcome::Note(format!(
            "Domain '{}' successfully woken up",
            dom.name
        )))
    }
}
