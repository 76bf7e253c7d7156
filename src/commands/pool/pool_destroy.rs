//! `pool-destroy`: stop an active pool.

use virtsh_commands::pool::PoolDestroy;

use crate::commands::prelude::*;

impl Run for PoolDestroy {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        pool_action(
            s,
            Self::NAME,
            &self.target.pool,
            ("destroy", "destroyed"),
            |st, p| st.destroy_pool(p),
        )
    }
}
