//! `pool-autostart`: mark a pool to start at boot, or unmark it.

use virtsh_commands::pool::PoolAutostart;

use crate::commands::prelude::*;

impl Run for PoolAutostart {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let arg = &self.target.pool;
        let conn = s.conn()?;
        let pool = lookup::pool(&conn, Self::NAME, arg)?;
        let (verb, done) = autostart_verbs(self.disable);
        conn.storage()
            .set_pool_autostart(&pool, !self.disable)
            .map_err(|e| {
                CmdError::failed(format!("Failed to {verb} pool {arg} as autostarted"), e)
            })?;
        message(format!("Pool {arg} {done} as autostarted"))
    }
}
