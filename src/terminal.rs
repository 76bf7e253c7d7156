//! The user's terminal, behind one small interface: what `console` and the `edit` prompt need
//! (is there a terminal, raw mode, bytes in and out). Commands never touch stdin or the tty
//! themselves, so a test can hand them a scripted terminal.

use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::{AsFd, AsRawFd, RawFd};

use nix::sys::termios::{self, SetArg, Termios};

/// The terminal a session talks to.
pub trait Terminal {
    /// Whether standard input is a terminal.
    fn is_terminal(&self) -> bool;
    /// Raw mode (no echo, no line editing, no signals) until the guard is dropped.
    fn raw_mode(&self) -> io::Result<RawMode>;
    /// Reads what is there (at least one byte; 0 at the end of input).
    fn read(&self, buf: &mut [u8]) -> io::Result<usize>;
    /// Writes and flushes.
    fn write(&self, bytes: &[u8]) -> io::Result<()>;
    /// The input's descriptor, to wait on it together with a guest's console.
    fn input_fd(&self) -> RawFd;
}

/// Restores the terminal's settings when dropped, on every way out.
pub struct RawMode {
    saved: Option<Termios>,
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            let _ = termios::tcsetattr(io::stdin().as_fd(), SetArg::TCSADRAIN, saved);
        }
    }
}

/// The process's own stdin and stdout.
pub struct Tty;

impl Terminal for Tty {
    fn is_terminal(&self) -> bool {
        io::stdin().is_terminal()
    }

    fn raw_mode(&self) -> io::Result<RawMode> {
        let stdin = io::stdin();
        let saved = termios::tcgetattr(stdin.as_fd()).map_err(io::Error::from)?;
        let mut raw = saved.clone();
        termios::cfmakeraw(&mut raw);
        termios::tcsetattr(stdin.as_fd(), SetArg::TCSADRAIN, &raw).map_err(io::Error::from)?;
        Ok(RawMode { saved: Some(saved) })
    }

    fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        io::stdin().lock().read(buf)
    }

    fn write(&self, bytes: &[u8]) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    }

    fn input_fd(&self) -> RawFd {
        io::stdin().as_raw_fd()
    }
}

/// One key read in raw mode after `question`; `None` at the end of input.
pub fn ask_key(term: &dyn Terminal, question: &str) -> io::Result<Option<u8>> {
    let _raw = term.raw_mode()?;
    term.write(question.as_bytes())?;
    let mut byte = [0u8; 1];
    Ok((term.read(&mut byte)? == 1).then_some(byte[0]))
}
