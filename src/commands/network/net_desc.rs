//! `net-desc`: show or set a network's description or title.

use virtsh_commands::network::NetDesc;

use crate::commands::common::describe;
use crate::commands::prelude::*;

impl Run for NetDesc {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let net = lookup::network(&conn, Self::NAME, &self.target.network, By::NAME_UUID)?;
        let nets = conn.networks();
        let kind = |title: bool| {
            if title {
                NetMetadata::Title
            } else {
                NetMetadata::Description
            }
        };
        describe(
            &self.desc,
            ("network", &net.name),
            |title, flags| match nets.network_metadata(&net, kind(title), flags) {
                Err(e) if e.code == ErrorCode::NoNetworkMetadata => Ok(None),
                other => other,
            },
            |title, text, flags| nets.set_network_metadata(&net, kind(title), text, None, flags),
        )
    }
}
