//! A `ProxyCommand`, run as OpenSSH runs it (`$SHELL -c "exec COMMAND"`, `/bin/sh` when
//! `SHELL` is unset or empty; its stdin and stdout the connection, its stderr ours) and ended
//! as OpenSSH ends it, with SIGHUP, when the connection ends or virtsh gives up on it. It runs
//! in a process group of its own so that the signal reaches whatever it started: nothing of it
//! may hold virtsh's output open once virtsh is done (`out=$(virtsh ...)` would wait for it).
//! The group is signalled when its [`Proxy`] is dropped, when virtsh exits, and the command
//! itself gets SIGHUP from the kernel should virtsh die without exiting.

use std::ffi::OsStr;
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::sync::{Mutex, Once};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use crate::error::{Error, Result};

/// The process groups of the proxies running, for the exit handler.
static RUNNING: Mutex<Vec<i32>> = Mutex::new(Vec::new());
static AT_EXIT: Once = Once::new();

extern "C" fn hang_up_all() {
    // At exit nothing else runs that could hold the lock for long; never wait on it anyway.
    if let Ok(groups) = RUNNING.try_lock() {
        for g in groups.iter() {
            let _ = killpg(Pid::from_raw(*g), Signal::SIGHUP);
        }
    }
}

/// A running `ProxyCommand`; dropping it hangs up on it.
#[derive(Debug)]
pub struct Proxy {
    child: Option<std::process::Child>,
}

impl Proxy {
    /// Starts `command` (already `exec ...` and expanded); returns it and our end of the
    /// connection it serves.
    pub fn start(command: &OsStr) -> Result<(Proxy, UnixStream)> {
        AT_EXIT.call_once(|| {
            // SAFETY: registers a plain function that only signals process groups.
            unsafe { libc::atexit(hang_up_all) };
        });
        let (ours, theirs) = UnixStream::pair().map_err(|e| Error::system("socketpair", &e))?;
        let theirs_out = theirs
            .try_clone()
            .map_err(|e| Error::system("socketpair", &e))?;
        let shell = std::env::var_os("SHELL")
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "/bin/sh".into());
        // The kernel's parent-death signal follows the thread that forks: only the main
        // thread lives as long as the process.
        let main_thread = nix::unistd::gettid() == nix::unistd::getpid();
        let parent = nix::unistd::getpid();
        let mut cmd = std::process::Command::new(&shell);
        cmd.arg("-c")
            .arg(command)
            .env_remove(super::keeper::KEEPER_ENV)
            .stdin(OwnedFd::from(theirs))
            .stdout(OwnedFd::from(theirs_out))
            .process_group(0);
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
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(child.id() as i32);
        Ok((Proxy { child: Some(child) }, ours))
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let group = child.id() as i32;
        let _ = killpg(Pid::from_raw(group), Signal::SIGHUP);
        RUNNING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|g| *g != group);
        // Reaped when it ends, without holding anyone up.
        std::thread::spawn(move || child.wait());
    }
}
