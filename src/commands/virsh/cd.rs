//! `cd`: change the current directory (home, else `/`, without an argument).

use std::path::PathBuf;

use virtsh_commands::virsh::Cd;

use crate::commands::prelude::*;
use crate::sys::strerror;

impl Run for Cd {
    fn run(&self, _: &mut Session) -> Result<Outcome, CmdError> {
        let dir = match &self.dir {
            Some(d) => d.clone(),
            None => std::env::var_os("HOME").map_or_else(|| "/".into(), PathBuf::from),
        };
        std::env::set_current_dir(&dir)
            .map_err(|e| CmdError::message(format!("cd: {}: {}", strerror(&e), dir.display())))?;
        Ok(Outcome::Nothing)
    }
}
