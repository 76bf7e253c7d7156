//! `pool-name`: a pool's name, from its UUID.

use virtsh_commands::pool::PoolName;

use crate::commands::prelude::*;

impl Run for PoolName {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let arg = &self.target.pool;
        let failed = || CmdError::message(format!("failed to get pool '{arg}'"));
        let uuid = uuid::Uuid::parse_str(arg)
            .ok()
            .filter(|_| arg.len() == 36)
            .ok_or_else(failed)?;
        let pool = s
            .conn()?
            .storage()
            .pool_by_uuid(&uuid)
            .map_err(|_| failed())?;
        Ok(Outcome::Value(Line::from(pool.name)))
    }
}
