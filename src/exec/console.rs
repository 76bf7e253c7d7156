//! `console`: the terminal attached to the guest's serial console, in raw mode, until the
//! escape character (`^]`, or `-e`) or the end of the console. The terminal is restored on
//! every way out, a panic included.

use std::io::{IsTerminal, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::termios::{self, SetArg, Termios};

use super::CmdError;
use crate::driver::{ByteStream, Error};
use crate::render::Outcome;

/// Restores the terminal when dropped.
struct RawMode {
    saved: Termios,
}

impl RawMode {
    fn enter() -> std::io::Result<RawMode> {
        let stdin = std::io::stdin();
        let saved = termios::tcgetattr(stdin.as_fd()).map_err(std::io::Error::from)?;
        let mut raw = saved.clone();
        termios::cfmakeraw(&mut raw);
        termios::tcsetattr(stdin.as_fd(), SetArg::TCSADRAIN, &raw).map_err(std::io::Error::from)?;
        Ok(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(std::io::stdin().as_fd(), SetArg::TCSADRAIN, &self.saved);
    }
}

/// The byte of virsh's escape notation: `^]` is 0x1d, `^X` the control key, a single
/// character itself.
pub fn escape_byte(spec: &str) -> u8 {
    match spec.as_bytes() {
        [b'^', c] => c.to_ascii_uppercase() ^ 0x40,
        [c] => *c,
        _ => 0x1d,
    }
}

/// Before attaching: virsh's refusal without a terminal.
pub fn check_terminal() -> Result<(), CmdError> {
    if !std::io::stdin().is_terminal() {
        return Err(CmdError::message(
            "Cannot run interactive console without a controlling TTY",
        ));
    }
    Ok(())
}

/// Shuttles bytes between the terminal and the console until the escape byte or the end.
pub fn attach(
    name: &str,
    mut stream: Box<dyn ByteStream>,
    escape: &str,
) -> Result<Outcome, CmdError> {
    let esc = escape_byte(escape);
    let mut out = std::io::stdout();
    let _ = write!(
        out,
        "Connected to domain '{name}'\nEscape character is {escape}"
    );
    if escape == "^]" {
        let _ = write!(out, " (Ctrl + ])");
    }
    let _ = writeln!(out);
    let _ = out.flush();
    let raw = RawMode::enter()
        .map_err(|e| CmdError::Driver(Error::system("cannot set the terminal to raw mode", &e)))?;
    let stdin_fd = std::io::stdin().as_raw_fd();
    let console_fd = stream.as_raw_fd();
    let mut buf = [0u8; 4096];
    'session: loop {
        // SAFETY: both descriptors stay open for the whole loop.
        let (a, b) = unsafe {
            (
                BorrowedFd::borrow_raw(stdin_fd),
                BorrowedFd::borrow_raw(console_fd),
            )
        };
        let mut fds = [
            PollFd::new(a, PollFlags::POLLIN),
            PollFd::new(b, PollFlags::POLLIN),
        ];
        if poll(&mut fds, PollTimeout::NONE).is_err() {
            continue;
        }
        let ready = |i: usize| {
            fds[i].revents().is_some_and(|r| {
                r.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR)
            })
        };
        if ready(1) {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break 'session,
                Ok(n) => {
                    let _ = out.write_all(&buf[..n]);
                    let _ = out.flush();
                }
            }
        }
        if ready(0) {
            let n = match std::io::stdin().read(&mut buf) {
                Ok(0) | Err(_) => break 'session,
                Ok(n) => n,
            };
            let (data, leave) = match buf[..n].iter().position(|b| *b == esc) {
                Some(i) => (&buf[..i], true),
                None => (&buf[..n], false),
            };
            if stream.write_all(data).is_err() || leave {
                break 'session;
            }
        }
    }
    drop(raw);
    let _ = writeln!(out);
    Ok(Outcome::Nothing)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape_byte("^]"), 0x1d);
        assert_eq!(super::escape_byte("^a"), 0x01);
        assert_eq!(super::escape_byte("~"), b'~');
    }
}
