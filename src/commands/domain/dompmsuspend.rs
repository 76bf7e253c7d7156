//! `dompmsuspend`: suspend a guest through its own power management.

use virtsh_commands::domain::{Dompmsuspend, PM_TARGETS};
use virtsh_commands::num;

use crate::commands::prelude::*;

impl Run for Dompmsuspend {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let duration = match &self.duration {
            Some(text) => number(text, "duration", num::unsigned::<u64>)?,
            None => 0,
        };
        let target = PM_TARGETS
            .iter()
            .position(|t| *t == self.suspend_target)
            .ok_or_else(|| CmdError::message("Invalid target"))? as u32;
        conn.domains()
            .pm_suspend(&dom, target, duration)
            .map_err(|e| {
                CmdError::failed(format!("Domain '{}' could not be suspended", dom.name), e)
            })?;
        // virsh's line has no newline of its own.
        Ok(Outcome::Note(format!(
            "Domain '{}' successfully suspended",
            dom.name
        )))
    }
}
