//! `net-edit`: edit a network's XML in the user's editor and define it again.

use virtsh_commands::network::NetEdit;

use crate::commands::edit::{edit, Subject};
use crate::commands::prelude::*;

impl Run for NetEdit {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, &self.target.network, By::NAME_UUID)?;
        // virsh edits the persistent definition where the driver has one apart.
        let xml = conn
            .networks()
            .network_xml(&net, true)
            .or_else(|_| conn.networks().network_xml(&net, false))?;
        let subject = Subject {
            relax: false,
            xml,
            define: &|x| conn.networks().define_network(x).map(|n| n.name),
            failure_goes_on: false,
        };
        edit(s, &subject, "Network", &net.name)
    }
}
