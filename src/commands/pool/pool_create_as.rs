//! `pool-create-as`: create and start a transient pool from arguments.

use virtsh_commands::pool::PoolCreateAs;

use crate::commands::pool_as::{build_flags, compose};
use crate::commands::prelude::*;

impl Run for PoolCreateAs {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = build_flags(&self.build)?;
        let xml = compose(&self.pool)?.to_request_xml();
        if self.pool.print_xml {
            return Ok(Outcome::Xml(xml));
        }
        let name = &self.pool.name;
        let pool = s
            .conn()?
            .storage()
            .create_pool(&xml, flags)
            .map_err(|e| CmdError::failed(format!("Failed to create pool {name}"), e))?;
        message(format!("Pool {} created", pool.name))
    }
}
