//! `reboot`: reboot a domain.

use virtsh_commands::domain::Reboot;

use crate::commands::prelude::*;

impl Run for Reboot {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = shutdown_modes(self.mode.as_deref(), true)?;
        let verbs = ("reboot", "is being rebooted");
        domain_action(s, Self::NAME, &self.target.domain, verbs, |d, dom| {
            d.reboot_domain(dom, flags)
        })
    }
}
