//! `domif-getlink`: whether a guest interface's virtual cable is plugged in.

use virtsh_commands::monitor::DomifGetlink;

use crate::commands::interfaces;
use crate::commands::prelude::*;

impl Run for DomifGetlink {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let ifaces = interfaces::of(&conn, &dom, self.config)?;
        let arg = &self.interface;
        let iface = interfaces::find(&ifaces, arg)
            .ok_or_else(|| CmdError::message(format!("Interface (dev: {arg}) not found.")))?;
        let state = iface.link_state.as_deref().unwrap_or("up");
        // virsh prints it without a newline of its own.
        Ok(Outcome::Text(format!("{arg} {state}").into_bytes()))
    }
}
