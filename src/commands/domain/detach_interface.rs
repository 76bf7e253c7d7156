//! `detach-interface`: remove a network interface (of a type, and a MAC address when there are
//! several) from a domain, running or defined.

use virtsh_commands::domain::DetachInterface;

use crate::commands::interfaces;
use crate::commands::prelude::*;
use crate::model::mac::Mac;

impl Run for DetachInterface {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let flags = interfaces::change_flags(&conn, &dom, &self.impact, self.persistent)?;
        let inactive = flags == ModifyFlags::CONFIG;
        let failed = |m: String| CmdError::failed_message(m, "Failed to detach interface");
        let ifaces = interfaces::of(&conn, &dom, inactive)?;
        let of_type: Vec<_> = ifaces.iter().filter(|i| i.kind == self.kind).collect();
        if of_type.is_empty() {
            return Err(failed(format!(
                "No interface found whose type is {}",
                self.kind
            )));
        }
        let chosen = match &self.mac {
            Some(m) => {
                let want = Mac::parse(m);
                of_type
                    .iter()
                    .find(|i| want.is_some() && i.mac.as_deref().and_then(Mac::parse) == want)
                    .ok_or_else(|| failed(format!("No interface with MAC address {m} was found")))?
            }
            None if of_type.len() > 1 => {
                return Err(failed(format!(
                    "Domain has {} interfaces. Please specify which one to detach using --mac",
                    of_type.len()
                )))
            }
            None => &of_type[0],
        };
        if self.print_xml {
            return Ok(Outcome::Xml(interfaces::as_in_document(chosen, None)));
        }
        let xml = interfaces::xml(chosen);
        let done = if flags.0 != 0 || self.impact.current {
            conn.domains().detach_device(&dom, &xml, flags)
        } else {
            conn.domains().detach_device_live(&dom, &xml)
        };
        done.map_err(|e| CmdError::failed("Failed to detach interface", e))?;
        message("Interface detached successfully")
    }
}
