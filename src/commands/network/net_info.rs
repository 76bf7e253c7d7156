//! `net-info`: the basic facts of a network.

use serde::Serialize;
use virtsh_commands::network::NetInfo;

use crate::commands::prelude::*;

impl Run for NetInfo {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let nets = conn.networks();
        let net = lookup::network(&conn, Self::NAME, &self.target.network, By::NAME_UUID)?;
        Ok(Outcome::data(InfoView {
            active: nets.network_is_active(&net).ok(),
            persistent: nets.network_is_persistent(&net).ok(),
            autostart: nets.network_autostart(&net).ok(),
            // A network without a bridge of its own has no line for it.
            bridge: nets.network_bridge(&net).ok(),
            name: net.name,
            uuid: net.uuid.to_string(),
        }))
    }
}

#[derive(Debug, Serialize)]
struct InfoView {
    name: String,
    uuid: String,
    active: Option<bool>,
    persistent: Option<bool>,
    autostart: Option<bool>,
    bridge: Option<String>,
}

impl TextView for InfoView {
    fn text(&self, _: bool) -> String {
        let mut out = String::new();
        field(&mut out, "Name:", &self.name);
        field(&mut out, "UUID:", &self.uuid);
        if let Some(a) = self.active {
            field(&mut out, "Active:", yes_no(a));
        }
        persistence(&mut out, self.persistent, self.autostart);
        if let Some(b) = &self.bridge {
            field(&mut out, "Bridge:", b);
        }
        out
    }
}
