//! `pwd`: print the current directory.

use virtsh_commands::virsh::Pwd;

use crate::commands::prelude::*;
use crate::sys::strerror;

impl Run for Pwd {
    fn run(&self, _: &mut Session) -> Result<Outcome, CmdError> {
        let cwd = std::env::current_dir().map_err(|e| {
            CmdError::message(format!(
                "pwd: cannot get current directory: {}",
                strerror(&e)
            ))
        })?;
        Ok(Outcome::Value(Line(
            cwd.into_os_string().into_encoded_bytes(),
        )))
    }
}
