//! `pool-create-as`: create and start a transient pool from arguments.

use virtsh_commands::pool::PoolCreateAs;

use crate::commands::pool_as::{build_flags, define_or_create};
use crate::commands::prelude::*;

impl Run for PoolCreateAs {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = build_flags(&self.build)?;
        define_or_create(s, &self.pool, ("create", "created"), |st, xml| {
            st.create_pool(xml, flags)
        })
    }
}
