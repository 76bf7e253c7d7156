//! `pool-define-as`: define a persistent pool from arguments.

use virtsh_commands::pool::PoolDefineAs;

use crate::commands::pool_as::compose;
use crate::commands::prelude::*;

impl Run for PoolDefineAs {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let xml = compose(&self.pool)?.to_request_xml();
        if self.pool.print_xml {
            return Ok(Outcome::Xml(xml));
        }
        let name = &self.pool.name;
        let pool = s
            .conn()?
            .storage()
            .define_pool(&xml)
            .map_err(|e| CmdError::failed(format!("Failed to define pool {name}"), e))?;
        message(format!("Pool {} defined", pool.name))
    }
}
