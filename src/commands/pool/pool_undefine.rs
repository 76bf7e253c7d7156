//! `pool-undefine`: remove a pool's persistent definition.

use virtsh_commands::pool::PoolUndefine;

use crate::commands::prelude::*;

impl Run for PoolUndefine {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        pool_action(
            s,
            Self::NAME,
            &self.target.pool,
            ("undefine", "has been undefined"),
            |st, p| st.undefine_pool(p),
        )
    }
}
