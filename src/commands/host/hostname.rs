//! `hostname`: the host's name.

use virtsh_commands::host::Hostname;

use crate::commands::prelude::*;

impl Run for Hostname {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        Ok(Outcome::Value(Line::from(s.conn()?.host().hostname()?)))
    }
}
