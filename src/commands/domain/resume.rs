//! `resume`: resume a paused domain.

use virtsh_commands::domain::Resume;

use crate::commands::prelude::*;

impl Run for Resume {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        domain_action(
            s,
            Self::NAME,
            &self.target.domain,
            ("resume", "resumed"),
            |d, dom| d.resume_domain(dom),
        )
    }
}
