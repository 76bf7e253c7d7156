//! `connect [URI] [--readonly]`: on failure the session keeps its previous URI and connects
//! to it again before the next command.

use virtsh_commands::virsh::Connect;

use crate::commands::prelude::*;

impl Run for Connect {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        s.disconnect();
        if self.readonly {
            s.opts.readonly = true;
        }
        let previous = s.uri.clone();
        if let Some(name) = &self.name {
            s.uri = Some(name.clone());
        }
        if let Err(e) = s.connect() {
            s.uri = previous;
            return Err(e);
        }
        Ok(Outcome::Nothing)
    }
}
