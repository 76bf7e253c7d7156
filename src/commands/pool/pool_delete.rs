//! `pool-delete`: delete a pool's directory.

use virtsh_commands::pool::PoolDelete;

use crate::commands::prelude::*;

impl Run for PoolDelete {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        pool_action(
            s,
            Self::NAME,
            &self.target.pool,
            ("delete", "deleted"),
            |st, p| st.delete_pool(p),
        )
    }
}
