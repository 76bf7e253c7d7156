//! `pool-edit`: edit a pool's XML in the user's editor and define it again.

use virtsh_commands::pool::PoolEdit;

use crate::commands::edit::{edit, Subject};
use crate::commands::prelude::*;

impl Run for PoolEdit {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let pool = lookup::pool(&conn, Self::NAME, &self.target.pool)?;
        let xml = conn.storage().pool_xml(&pool, false)?;
        let subject = Subject {
            relax: false,
            xml,
            define: &|x| conn.storage().define_pool(x).map(|p| p.name),
            failure_goes_on: false,
        };
        edit(s, &subject, "Pool", &pool.name)
    }
}
