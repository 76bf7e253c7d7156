//! `define`: define (but do not start) a domain from an XML file.

use virtsh_commands::domain::Define;

use crate::commands::prelude::*;

impl Run for Define {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let xml = read_file(&self.xml.file)?;
        let file = self.xml.file.display();
        let flags = DefineFlags::from_options([(self.validate, DefineFlags::VALIDATE)]);
        let conn = s.conn()?;
        let domains = conn.domains();
        // virsh calls the flagless function when it has no flags to pass.
        let defined = match flags.0 {
            0 => domains.define_domain(&xml),
            _ => domains.define_domain_flags(&xml, flags),
        };
        let dom = defined
            .map_err(|e| CmdError::failed(format!("Failed to define domain from {file}"), e))?;
        message(
            Line::from(format!("Domain '{}' defined from ", dom.name)).with_path(&self.xml.file),
        )
    }
}
