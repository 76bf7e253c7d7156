//! `shutdown`: ask a domain to shut down.

use virtsh_commands::domain::Shutdown;

use crate::commands::prelude::*;

impl Run for Shutdown {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let flags = shutdown_modes(self.mode.as_deref(), false)?;
        let verbs = ("shutdown", "is being shutdown");
        domain_action(s, Self::NAME, &self.target.domain, verbs, |d, dom| {
            d.shutdown_domain(dom, flags)
        })
    }
}
