//! `pool-dumpxml`: a pool's XML.

use virtsh_commands::pool::PoolDumpxml;

use crate::commands::prelude::*;

impl Run for PoolDumpxml {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let pool = lookup::pool(&conn, Self::NAME, &self.target.pool)?;
        dump_xml(conn.storage().pool_xml(&pool, self.inactive)?, &self.xpath)
    }
}
