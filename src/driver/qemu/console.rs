//! Console sessions: one at a time per domain, as libvirt allows. A session reads and writes
//! the serial port's pty (in raw mode, as libvirt opens it) and holds the domain's console
//! lock (`NAME.console-lock`) for as long as it lasts; a second session is refused unless it
//! forces its way in: then it writes to the lock file, the holder (watching the file) ends
//! its session and lets go, and the new session takes the lock.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::path::Path;
use std::time::{Duration, Instant};

use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};

use super::cmdline::Paths;
use crate::driver::ByteStream;
use crate::error::Error;
use crate::state::{self, Lock};

/// How long a forced session waits for the one it displaces to let go.
const TAKEOVER_WAIT: Duration = Duration::from_secs(5);

pub struct Session {
    stream: File,
    /// Readable when another session takes over.
    watch: Inotify,
    _lock: Lock,
}

/// Opens the console of the domain at `paths` on its pty; `force` displaces a session that
/// has it.
pub fn open(paths: &Paths, pty: &Path, force: bool) -> Result<Session, Error> {
    let lock_path = &paths.console_lock;
    let io = |e: std::io::Error| Error::system(format!("cannot lock {}", lock_path.display()), &e);
    let lock = match state::try_lock(lock_path).map_err(io)? {
        Some(lock) => lock,
        None if !force => {
            return Err(Error::operation_failed(
                "Active console session exists for this domain",
            ))
        }
        None => {
            std::fs::write(lock_path, "takeover\n").map_err(io)?;
            let started = Instant::now();
            loop {
                if let Some(lock) = state::try_lock(lock_path).map_err(io)? {
                    break lock;
                }
                if started.elapsed() > TAKEOVER_WAIT {
                    return Err(Error::operation_failed(
                        "the console session in use did not end",
                    ));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    };
    std::fs::write(lock_path, "").map_err(io)?;
    let watch = Inotify::init(InitFlags::IN_CLOEXEC | InitFlags::IN_NONBLOCK)
        .and_then(|i| {
            i.add_watch(
                lock_path,
                AddWatchFlags::IN_MODIFY | AddWatchFlags::IN_CLOSE_WRITE,
            )?;
            Ok(i)
        })
        .map_err(|e| Error::system("cannot watch the console lock", &e.into()))?;
    let stream = open_pty(pty)
        .map_err(|e| Error::system(format!("Unable to open tty {}", pty.display()), &e))?;
    Ok(Session {
        stream,
        watch,
        _lock: lock,
    })
}

/// The pty, read and written as bytes (raw mode: no echo, no line discipline).
fn open_pty(pty: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(pty)?;
    let mut t = nix::sys::termios::tcgetattr(&file).map_err(std::io::Error::from)?;
    nix::sys::termios::cfmakeraw(&mut t);
    nix::sys::termios::tcsetattr(&file, nix::sys::termios::SetArg::TCSANOW, &t)
        .map_err(std::io::Error::from)?;
    Ok(file)
}

impl Read for Session {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.stream.read(buf)
    }
}

impl Write for Session {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

impl AsRawFd for Session {
    fn as_raw_fd(&self) -> RawFd {
        self.stream.as_raw_fd()
    }
}

impl ByteStream for Session {
    fn ended_fd(&self) -> Option<RawFd> {
        Some(self.watch.as_fd().as_raw_fd())
    }
}
