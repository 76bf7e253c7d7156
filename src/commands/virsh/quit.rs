//! `quit`: leave the interactive shell.

use virtsh_commands::virsh::Quit;

use crate::commands::prelude::*;

impl Run for Quit {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        s.quit = true;
        Ok(Outcome::Nothing)
    }
}
