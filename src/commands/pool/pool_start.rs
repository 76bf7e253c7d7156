//! `pool-start`: start an inactive pool, building it first on request.

use virtsh_commands::pool::PoolStart;

use crate::commands::pool_as::build_flags;
use crate::commands::prelude::*;

impl Run for PoolStart {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = build_flags(&self.build)?;
        pool_action(
            s,
            Self::NAME,
            &self.target.pool,
            ("start", "started"),
            |st, p| st.start_pool(p, flags),
        )
    }
}
