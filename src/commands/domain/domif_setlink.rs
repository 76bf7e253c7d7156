//! `domif-setlink`: plug a guest interface's virtual cable in or out (an update of the device).

use virtsh_commands::domain::DomifSetlink;

use crate::commands::interfaces;
use crate::commands::prelude::*;

impl Run for DomifSetlink {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let state = self.state.as_str();
        if !matches!(state, "up" | "down") {
            return Err(CmdError::message(format!("invalid link state '{state}'")));
        }
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let ifaces = interfaces::of(&conn, &dom, self.config)?;
        let arg = &self.interface;
        let mut iface = interfaces::find(&ifaces, arg)
            .ok_or_else(|| CmdError::message(format!("interface '{arg}' not found")))?
            .clone();
        if self.print_xml {
            // virsh changes the `<link>` it finds, or adds one at the end.
            let appended = match iface.link_state {
                Some(_) => None,
                None => Some(crate::model::dom::Element::new("link").with("state", state)),
            };
            if appended.is_none() {
                iface.link_state = Some(state.to_string());
            }
            return Ok(Outcome::Xml(interfaces::as_in_document(&iface, appended)));
        }
        iface.link_state = Some(state.to_string());
        let xml = interfaces::xml(&iface);
        // virsh changes the running guest unless told --config or the domain is not running.
        let active = conn.domains().domain_state(&dom)?.is_active();
        let flags = if self.config || !active {
            ModifyFlags::CONFIG
        } else {
            ModifyFlags::LIVE
        };
        conn.domains()
            .update_device(&dom, &xml, flags)
            .map_err(|e| CmdError::failed("Failed to update interface link state", e))?;
        message("Device updated successfully")
    }
}
