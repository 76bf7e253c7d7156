//! `setmem`: change a domain's current memory.

use virtsh_commands::domain::Setmem;

use crate::commands::prelude::*;

impl Run for Setmem {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = impact(&self.impact)?;
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let kib = scaled_kib(&self.size, "size")?;
        conn.domains()
            .set_memory(&dom, kib, flags.unwrap_or(ModifyFlags::LIVE))?;
        Ok(Outcome::Nothing)
    }
}
