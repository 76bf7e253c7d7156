//! `net-port-create`: create a port on a network from an XML file.

use virtsh_commands::network::NetPortCreate;

use crate::commands::prelude::*;

impl Run for NetPortCreate {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.validate, "validate")?;
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, &self.target.network, By::NAME_UUID)?;
        let xml = read_file(&self.xml.file)?;
        let port = conn
            .networks()
            .create_network_port(&net, &xml)
            .map_err(|e| {
                CmdError::failed(
                    format!("Failed to create network from {}", self.xml.file.display()),
                    e,
                )
            })?;
        message(
            Line::from(format!("Network port {} created from ", port.uuid))
                .with_path(&self.xml.file),
        )
    }
}
