//! `capabilities`: the hypervisor's capabilities XML.

use virtsh_commands::host::Capabilities;

use crate::commands::prelude::*;

impl Run for Capabilities {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        dump_xml(s.conn()?.host().capabilities()?, &self.xpath)
    }
}
