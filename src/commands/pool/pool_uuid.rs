//! `pool-uuid`: a pool's UUID, from its name.

use virtsh_commands::pool::PoolUuid;

use crate::commands::prelude::*;

impl Run for PoolUuid {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let arg = &self.target.pool;
        let pool = s
            .conn()?
            .storage()
            .pool_by_name(arg)
            .map_err(|_| CmdError::message(format!("failed to get pool '{arg}'")))?;
        Ok(Outcome::Value(Line::from(pool.uuid.to_string())))
    }
}
