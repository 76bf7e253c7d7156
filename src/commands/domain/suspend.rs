//! `suspend`: pause a running domain.

use virtsh_commands::domain::Suspend;

use crate::commands::prelude::*;

impl Run for Suspend {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        domain_action(
            s,
            Self::NAME,
            &self.target.domain,
            ("suspend", "suspended"),
            |d, dom| d.suspend_domain(dom),
        )
    }
}
