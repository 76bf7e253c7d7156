//! `reset`: reset a domain as the power button would.

use virtsh_commands::domain::Reset;

use crate::commands::prelude::*;

impl Run for Reset {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        domain_action(
            s,
            Self::NAME,
            &self.target.domain,
            ("reset", "was reset"),
            |d, dom| d.reset_domain(dom),
        )
    }
}
