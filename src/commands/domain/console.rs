//! `console`: the terminal attached to the guest's serial console, in raw mode, until the
//! escape character (`^]`, or `-e`) or the end of the console. The terminal is restored on
//! every way out.

use std::io::{Read, Write};
use std::os::fd::BorrowedFd;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use virtsh_commands::domain::Console;

use crate::commands::prelude::*;
use crate::driver::ByteStream;
use crate::terminal::Terminal;

impl Run for Console {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        if !s.term.is_terminal() {
            return Err(CmdError::message(
                "Cannot run interactive console without a controlling TTY",
            ));
        }
        let escape = s.opts.escape.clone().unwrap_or_else(|| "^]".into());
        let conn = s.conn()?;
        let dom = lookup::domain(&conn, Self::NAME, &self.target.domain, By::ANY)?;
        if !conn.domains().domain_state(&dom)?.is_active() {
            return Err(CmdError::message("The domain is not running"));
        }
        if self.resume && matches!(conn.domains().domain_state(&dom)?, State::Paused(_)) {
            conn.domains().resume_domain(&dom)?;
        }
        s.out.flush();
        // virsh greets before it opens the console, so an error follows the greeting.
        let hint = if escape == "^]" { " (Ctrl + ])" } else { "" };
        let greeting = format!(
            "Connected to domain '{}'\nEscape character is {escape}{hint}\n",
            dom.name
        );
        let _ = s.term.write(greeting.as_bytes());
        let flags = ConsoleFlags::from_options([
            (self.force, ConsoleFlags::FORCE),
            (self.safe, ConsoleFlags::SAFE),
        ]);
        let stream = conn
            .domains()
            .open_console(&dom, self.devname.as_deref(), flags)?;
        attach(&*s.term, stream, &escape)
    }
}

/// The byte of virsh's escape notation: `^]` is 0x1d, `^X` the control key, a single
/// character itself.
fn escape_byte(spec: &str) -> u8 {
    match spec.as_bytes() {
        [b'^', c] => c.to_ascii_uppercase() ^ 0x40,
        [c] => *c,
        _ => 0x1d,
    }
}

/// Shuttles bytes between the terminal and the console until the escape byte, the end of
/// the console, or another session taking it over.
fn attach(
    term: &dyn Terminal,
    mut stream: Box<dyn ByteStream>,
    escape: &str,
) -> Result<Outcome, CmdError> {
    let esc = escape_byte(escape);
    let raw = term
        .raw_mode()
        .map_err(|e| CmdError::Driver(Error::system("cannot set the terminal to raw mode", &e)))?;
    let input_fd = term.input_fd();
    let console_fd = stream.as_raw_fd();
    let ended_fd = stream.ended_fd();
    let mut buf = [0u8; 4096];
    loop {
        // SAFETY: the descriptors stay open for the whole loop.
        let borrow = |fd| unsafe { BorrowedFd::borrow_raw(fd) };
        let mut fds = vec![
            PollFd::new(borrow(input_fd), PollFlags::POLLIN),
            PollFd::new(borrow(console_fd), PollFlags::POLLIN),
        ];
        fds.extend(ended_fd.map(|fd| PollFd::new(borrow(fd), PollFlags::POLLIN)));
        if poll(&mut fds, PollTimeout::NONE).is_err() {
            continue;
        }
        let ready = |i: usize| {
            fds.get(i).and_then(PollFd::revents).is_some_and(|r| {
                r.intersects(PollFlags::POLLIN | PollFlags::POLLHUP | PollFlags::POLLERR)
            })
        };
        if ready(2) {
            break;
        }
        if ready(1) {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let _ = term.write(&buf[..n]);
                }
            }
        }
        if ready(0) {
            let n = match term.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let (data, leave) = match buf[..n].iter().position(|b| *b == esc) {
                Some(i) => (&buf[..i], true),
                None => (&buf[..n], false),
            };
            if stream.write_all(data).is_err() || leave {
                break;
            }
        }
    }
    drop(raw);
    let _ = term.write(b"\n");
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
