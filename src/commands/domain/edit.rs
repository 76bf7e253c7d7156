//! `edit`: edit a domain's XML in the user's editor and define it again.

use virtsh_commands::domain::Edit;

use crate::commands::edit::{edit, Subject};
use crate::commands::prelude::*;

impl Run for Edit {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        // virsh validates edited XML against the schema unless --skip-validate; virtsh
        // checks structure only, so the option changes nothing.
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        let xml = conn
            .domains()
            .domain_xml(&dom, XmlFlags::INACTIVE | XmlFlags::SECURE)?;
        let subject = Subject {
            relax: true,
            xml,
            define: &|x| conn.domains().define_domain(x).map(|d| d.name),
            failure_goes_on: false,
        };
        edit(s, &subject, "Domain", &dom.name)
    }
}
