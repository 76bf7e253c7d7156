//! `pool-refresh`: look at a pool's volumes again.

use virtsh_commands::pool::PoolRefresh;

use crate::commands::prelude::*;

impl Run for PoolRefresh {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        pool_action(
            s,
            Self::NAME,
            &self.target.pool,
            ("refresh", "refreshed"),
            |st, p| st.refresh_pool(p),
        )
    }
}
