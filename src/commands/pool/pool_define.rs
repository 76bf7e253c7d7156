//! `pool-define`: define a persistent pool (or change one) from an XML file.

use virtsh_commands::pool::PoolDefine;

use crate::commands::prelude::*;

impl Run for PoolDefine {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let xml = read_file(&self.xml.file)?;
        let file = self.xml.file.display();
        let pool = s
            .conn()?
            .storage()
            .define_pool(&xml)
            .map_err(|e| CmdError::failed(format!("Failed to define pool from {file}"), e))?;
        message(Line::from(format!("Pool {} defined from ", pool.name)).with_path(&self.xml.file))
    }
}
