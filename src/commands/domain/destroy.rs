//! `destroy`: stop a domain at once.

use virtsh_commands::domain::Destroy;

use crate::commands::prelude::*;

impl Run for Destroy {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        refuse(self.graceful, "graceful")?;
        refuse(self.remove_logs, "remove-logs")?;
        let verbs = ("destroy", "destroyed");
        domain_action(s, Self::NAME, &self.target.domain, verbs, |d, dom| {
            d.destroy_domain(dom)
        })
    }
}
