//! `setmaxmem`: change a domain's memory limit.

use virtsh_commands::domain::Setmaxmem;

use crate::commands::prelude::*;

impl Run for Setmaxmem {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let (conn, dom, kib, flags) = memory_change(s, Self::NAME, &self.change)?;
        conn.domains()
            .set_max_memory(&dom, kib, flags.unwrap_or_default())
            .map_err(|e| CmdError::failed("Unable to change MaxMemorySize", e))?;
        Ok(Outcome::Nothing)
    }
}
