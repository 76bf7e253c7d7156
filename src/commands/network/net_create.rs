//! `net-create`: create and start a transient network from an XML file.

use virtsh_commands::network::NetCreate;

use crate::commands::prelude::*;

impl Run for NetCreate {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.validate, "validate")?;
        let xml = read_file(&self.xml.file)?;
        let net = s.conn()?.networks().create_network(&xml).map_err(|e| {
            CmdError::failed(
                format!("Failed to create network from {}", self.xml.file.display()),
                e,
            )
        })?;
        message(Line::from(format!("Network {} created from ", net.name)).with_path(&self.xml.file))
    }
}
