//! `define`: define (but do not start) a domain from an XML file.

use virtsh_commands::domain::Define;

use crate::commands::prelude::*;

impl Run for Define {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let xml = read_file(&self.file)?;
        let file = self.file.display();
        let dom = s
            .conn()?
            .domains()
            .define_domain(&xml)
            .map_err(|e| CmdError::failed(format!("Failed to define domain from {file}"), e))?;
        message(format!("Domain '{}' defined from {file}", dom.name))
    }
}
