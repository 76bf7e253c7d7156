//! `net-define`: define a persistent network (or change one) from an XML file.

use virtsh_commands::network::NetDefine;

use crate::commands::prelude::*;

impl Run for NetDefine {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.validate, "validate")?;
        let xml = read_file(&self.xml.file)?;
        let net = s.conn()?.networks().define_network(&xml).map_err(|e| {
            CmdError::failed(
                format!("Failed to define network from {}", self.xml.file.display()),
                e,
            )
        })?;
        message(Line::from(format!("Network {} defined from ", net.name)).with_path(&self.xml.file))
    }
}
