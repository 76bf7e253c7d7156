//! A `ProxyCommand`, run as OpenSSH runs it (`exec COMMAND` in the user's shell, its stdin and
//! stdout the connection, its stderr ours) and ended as OpenSSH ends it, with SIGHUP, when the
//! connection ends or virtsh gives up on it.
//!
//! Where it runs: when virtsh is in the foreground of its controlling terminal and writes
//! there, in virtsh's process group, as ssh runs it, so that it can ask on the terminal (a
//! password, a passphrase) without being stopped for it (SIGTTIN); the signal goes to the
//! command, as ssh sends it. Otherwise (no terminal, in the background, or output captured as
//! by `out=$(virtsh ...)`) in a process group of its own that the signal reaches whole, so
//! that nothing it started holds virtsh's output open once virtsh is done. The signal is sent
//! when its [`Proxy`] is dropped and when virtsh exits; the command itself gets SIGHUP from
//! the kernel should virtsh die without exiting.

use std::ffi::OsStr;
use std::io::IsTerminal;
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::sync::{Mutex, Once};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

use super::user_shell;
use crate::error::{Error, Result};

/// What the exit handler hangs up on: each running proxy's pid, negated for a process group.
static RUNNING: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static AT_EXIT: Once = Once::new();

extern "C" fn hang_up_all() {
    // At exit nothing else runs that could hold the lock for long; never wait on it anyway.
    if let Ok(targets) = RUNNING.try_lock() {
        for t in targets.iter() {
            let _ = kill(Pid::from_raw(*t), Signal::SIGHUP);
        }
    }
}

/// Whether virtsh runs in the foreground of its controlling terminal with its output going
/// to a terminal: only then may a command it starts use the terminal.
fn at_the_terminal() -> bool {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open("/dev/tty");
    let foreground = tty.is_ok_and(|t| nix::unistd::tcgetpgrp(&t) == Ok(nix::unistd::getpgrp()));
    foreground && std::io::stdout().is_terminal() && std::io::stderr().is_terminal()
}

/// A running `ProxyCommand`; dropping it hangs up on it.
#[derive(Debug)]
pub struct Proxy {
    child: Option<std::process::Child>,
    /// What SIGHUP is sent to: the pid, or its process group negated.
    target: i32,
}

impl Proxy {
    /// Starts `command` (already `exec ...` and expanded); returns it and our end of the
    /// connection it serves.
    pub fn start(command: &OsStr) -> Result<(Proxy, UnixStream)> {
        AT_EXIT.call_once(|| {
            // SAFETY: registers a plain function that only sends signals.
            unsafe { libc::atexit(hang_up_all) };
        });
        let (ours, theirs) = UnixStream::pair().map_err(|e| Error::system("socketpair", &e))?;
        let theirs_out = theirs
            .try_clone()
            .map_err(|e| Error::system("socketpair", &e))?;
        let shell = user_shell::path();
        // The kernel's parent-death signal follows the thread that forks: only the main
        // thread lives as long as the process.
        let main_thread = nix::unistd::gettid() == nix::unistd::getpid();
        let parent = nix::unistd::getpid();
        let own_group = !at_the_terminal();
        let mut cmd = user_shell::command(&shell, command);
        cmd.stdin(OwnedFd::from(theirs))
            .stdout(OwnedFd::from(theirs_out));
        if own_group {
            cmd.process_group(0);
        }
        if main_thread {
            // SAFETY: prctl and getppid are async-signal-safe system calls.
            unsafe {
                cmd.pre_exec(move || {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGHUP);
                    // Gone already: the signal was missed.
                    if nix::unistd::getppid() != parent {
                        libc::_exit(1);
                    }
                    Ok(())
                });
            }
        }
        let child = cmd.spawn().map_err(|e| {
            Error::system(
                format!(
                    "cannot run the ProxyCommand with {}",
                    shell.to_string_lossy()
                ),
                &e,
            )
        })?;
        let pid = child.id() as i32;
        let target = if own_group { -pid } else { pid };
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(target);
        Ok((
            Proxy {
                child: Some(child),
                target,
            },
            ours,
        ))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = kill(Pid::from_raw(self.target), Signal::SIGHUP);
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|t| *t != self.target);
        // Reaped when it ends, without holding anyone up: by a thread unless it is done
        // already (with no thread to be had, it waits as a zombie for virtsh's exit).
        if matches!(child.try_wait(), Ok(None)) {
            let _ = std::thread::Builder::new().spawn(move || child.wait());
        }
    }
}
