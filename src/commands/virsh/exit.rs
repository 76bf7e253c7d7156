//! `exit`: leave the interactive shell (as `quit`).

use virtsh_commands::virsh::Exit;

use crate::commands::prelude::*;

impl Run for Exit {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        s.quit = true;
        Ok(Outcome::Nothing)
    }
}
