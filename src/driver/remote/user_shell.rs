//! Commands run in the user's shell as OpenSSH runs them (a `ProxyCommand`, a `Match exec`):
//! `$SHELL -c COMMAND`, `/bin/sh` when `SHELL` is unset or empty, without the variable that
//! makes the virtsh binary a keeper (a virtsh the command runs is virtsh, not a keeper).

use std::ffi::{OsStr, OsString};
use std::process::Command;

/// The user's shell.
pub fn path() -> OsString {
    std::env::var_os("SHELL")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/bin/sh".into())
}

/// `shell -c script`, the rest of its setting up the caller's.
pub fn command(shell: &OsStr, script: &OsStr) -> Command {
    let mut command = Command::new(shell);
    command
        .arg("-c")
        .arg(script)
        .env_remove(super::keeper::KEEPER_ENV);
    command
}
