//! `setmem`: change a domain's current memory.

use virtsh_commands::domain::Setmem;

use crate::commands::prelude::*;

impl Run for Setmem {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let (conn, dom, kib, flags) = memory_change(s, Self::NAME, &self.change)?;
        conn.domains()
            .set_memory(&dom, kib, flags.unwrap_or(ModifyFlags::LIVE))?;
        Ok(Outcome::Nothing)
    }
}
