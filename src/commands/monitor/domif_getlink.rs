//! `domif-getlink`: whether a guest interface's virtual cable is plugged in.

use serde::Serialize;
use virtsh_commands::monitor::DomifGetlink;

use crate::commands::interfaces;
use crate::commands::prelude::*;
use crate::model::mac::Mac;

#[derive(Debug, Serialize)]
struct Link {
    interface: String,
    state: String,
}

impl TextView for Link {
    fn text(&self, _quiet: bool) -> String {
        // virsh prints it without a newline of its own.
        format!("{} {}", self.interface, self.state)
    }
}

impl Run for DomifGetlink {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let ifaces = interfaces::of(&conn, &dom, self.config)?;
        let arg = &self.interface;
        let iface = interfaces::find(&ifaces, arg).ok_or_else(|| {
            // A MAC is named as virsh normalises it.
            CmdError::message(match Mac::parse(arg) {
                Some(mac) => format!("Interface (mac: {mac}) not found."),
                None => format!("Interface (dev: {arg}) not found."),
            })
        })?;
        Ok(Outcome::data(Link {
            interface: arg.clone(),
            state: iface.link_state.clone().unwrap_or_else(|| "up".into()),
        }))
    }
}
