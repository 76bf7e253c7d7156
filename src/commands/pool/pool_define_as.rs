//! `pool-define-as`: define a persistent pool from arguments.

use virtsh_commands::pool::PoolDefineAs;

use crate::commands::pool_as::define_or_create;
use crate::commands::prelude::*;

impl Run for PoolDefineAs {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        define_or_create(s, &self.pool, ("define", "defined"), |st, xml| {
            st.define_pool(xml)
        })
    }
}
