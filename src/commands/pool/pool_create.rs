//! `pool-create`: create and start a transient pool from an XML file.

use virtsh_commands::pool::PoolCreate;

use crate::commands::pool_as::build_flags;
use crate::commands::prelude::*;

impl Run for PoolCreate {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = build_flags(&self.build)?;
        let xml = read_file(&self.xml.file)?;
        let file = self.xml.file.display();
        let pool = s
            .conn()?
            .storage()
            .create_pool(&xml, flags)
            .map_err(|e| CmdError::failed(format!("Failed to create pool from {file}"), e))?;
        message(Line::from(format!("Pool {} created from ", pool.name)).with_path(&self.xml.file))
    }
}
