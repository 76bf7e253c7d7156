//! `uri`: the connection's canonical URI.

use virtsh_commands::host::Uri;

use crate::commands::prelude::*;

impl Run for Uri {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        Ok(Outcome::Value(Line::from(s.conn()?.host().uri()?)))
    }
}
