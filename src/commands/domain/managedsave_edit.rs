//! `managedsave-edit`: edit the domain XML of a domain's managed save image in the user's
//! editor.

use virtsh_commands::domain::ManagedsaveEdit;

use crate::commands::edit::{edit_xml, Edited, Subject};
use crate::commands::prelude::*;

impl Run for ManagedsaveEdit {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        // Refused up front, as virsh does: the define would fail on every try of the loop.
        let flags = restore_state(&self.state, true)?;
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let domains = conn.domains();
        let xml = domains.managed_save_xml(&dom, XmlFlags::SECURE)?;
        let name = &dom.name;
        let subject = Subject {
            relax: false,
            xml,
            define: &|x| {
                domains
                    .define_managed_save(&dom, x, flags)
                    .map(|_| name.clone())
            },
            failure_goes_on: true,
        };
        match edit_xml(s, &subject, false)? {
            Edited::Unchanged => message(format!(
                "Managed save image of domain '{name}' XML configuration not changed."
            )),
            // virsh's word is "Domain" here, capitalised.
            Edited::Defined(_) | Edited::WentOn => message(format!(
                "Managed save image of Domain '{name}' XML configuration edited."
            )),
        }
    }
}
