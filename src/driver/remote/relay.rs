//! Moving bytes between ssh channels and local sockets. libssh2 is not driven from several
//! threads at once here: one loop owns a session and steps every relay of it in turn (one
//! relay for a plain connection, several in a warm keeper).

use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use ssh2::{BlockDirections, Channel, Session};

/// One ssh channel and the local socket it stands for. Neither side is ever waited on: a
/// local reader that stops reading (a suspended client) holds up its own relay only.
pub struct Relay {
    channel: Channel,
    local: UnixStream,
    /// Bytes from the local side still to be written into the channel.
    outgoing: Vec<u8>,
    /// Bytes from the channel still to be written to the local side.
    incoming: Vec<u8>,
}

/// What a step of a relay did.
#[derive(PartialEq, Eq)]
pub enum Step {
    Moved,
    Idle,
    /// Either side ended (the relay is finished).
    Done,
}

/// Writes what `buf` holds into `w` as far as it goes without waiting; false when `w` failed.
fn drain(w: &mut impl Write, buf: &mut Vec<u8>, moved: &mut bool) -> bool {
    while !buf.is_empty() {
        match w.write(buf) {
            Ok(0) => return false,
            Ok(n) => {
                buf.drain(..n);
                *moved = true;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(_) => return false,
        }
    }
    true
}

impl Relay {
    pub fn new(channel: Channel, local: UnixStream) -> Relay {
        let _ = local.set_nonblocking(true);
        Relay {
            channel,
            local,
            outgoing: Vec::new(),
            incoming: Vec::new(),
        }
    }

    /// Moves what can move without waiting (the session must be non-blocking).
    pub fn step(&mut self, buf: &mut [u8]) -> Step {
        let mut moved = false;
        if !drain(&mut self.local, &mut self.incoming, &mut moved) {
            return Step::Done;
        }
        // More from the channel only once the local side took what came before.
        if self.incoming.is_empty() {
            match self.channel.read(buf) {
                Ok(0) if self.channel.eof() => return Step::Done,
                Ok(0) => {}
                Ok(n) => {
                    self.incoming.extend_from_slice(&buf[..n]);
                    if !drain(&mut self.local, &mut self.incoming, &mut moved) {
                        return Step::Done;
                    }
                    moved = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => return Step::Done,
            }
        }
        // The far side's stderr is drained, or it would fill the channel's window; it is not
        // shown, since virt-ssh-helper complains there on every normal close of the daemon.
        if let Ok(1..) = self.channel.stderr().read(buf) {
            moved = true;
        }
        if self.outgoing.is_empty() {
            match self.local.read(buf) {
                Ok(0) => return Step::Done,
                Ok(n) => self.outgoing.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => return Step::Done,
            }
        }
        if !self.outgoing.is_empty() {
            match self.channel.write(&self.outgoing) {
                Ok(n) => {
                    self.outgoing.drain(..n);
                    moved = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => return Step::Done,
            }
        }
        if moved {
            Step::Moved
        } else {
            Step::Idle
        }
    }

    /// What to wait for on the local socket: room for what it has not taken yet, and more
    /// from it only when there is room to send it on (else a pending write would spin).
    pub fn wanted(&self) -> PollFlags {
        let mut wanted = PollFlags::empty();
        if self.outgoing.is_empty() {
            wanted |= PollFlags::POLLIN;
        }
        if !self.incoming.is_empty() {
            wanted |= PollFlags::POLLOUT;
        }
        wanted
    }

    /// Whether libssh2 already holds something for this channel (read off the socket while
    /// serving another call): then polling the socket would wait for nothing. Not while the
    /// local side has yet to take what came (its turn), nor while the session cannot send
    /// (a read first sends its window adjustment, so it could not make progress either).
    pub fn pending(&self, session: &Session) -> bool {
        self.incoming.is_empty()
            && !session_wants(session).contains(PollFlags::POLLOUT)
            && (self.channel.read_window().available > 0 || self.channel.eof())
    }

    /// Whether bytes wait to be sent into the channel (a send libssh2 has begun must be
    /// finished by the same call before the session sends anything else).
    pub fn sending(&self) -> bool {
        !self.outgoing.is_empty()
    }

    pub fn local(&self) -> &UnixStream {
        &self.local
    }

    /// Ends the local side: it sees the connection close. The channel is then wound down by
    /// [`Relay::wind_down`].
    pub fn end_local(&self) {
        let _ = self.local.shutdown(std::net::Shutdown::Both);
    }

    /// One turn of closing the channel without waiting: what the local side sent is sent on
    /// first, then the close; true once done (or the session failed). A channel is not
    /// dropped before, so no send libssh2 began is left half done.
    pub fn wind_down(&mut self) -> bool {
        while !self.outgoing.is_empty() {
            match self.channel.write(&self.outgoing) {
                Ok(n) => {
                    self.outgoing.drain(..n);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return false,
                Err(_) => return true,
            }
        }
        match self.channel.close() {
            Ok(()) => true,
            Err(e) => e.code() != ssh2::ErrorCode::Session(-37),
        }
    }
}

/// What libssh2 waits for on the session's socket.
pub fn session_wants(session: &Session) -> PollFlags {
    let mut wanted = PollFlags::POLLIN;
    if matches!(
        session.block_directions(),
        BlockDirections::Outbound | BlockDirections::Both
    ) {
        wanted |= PollFlags::POLLOUT;
    }
    wanted
}

/// Relays one channel until either side ends, or (with `silence`, the `ServerAliveInterval`
/// times one more than `ServerAliveCountMax`) until the server has said nothing for that long despite
/// keepalives.
pub fn pump(session: Session, net: OwnedFd, mut relay: Relay, silence: Option<Duration>) {
    session.set_blocking(false);
    let mut buf = vec![0u8; 64 * 1024];
    let mut heard = Instant::now();
    loop {
        if let Some(limit) = silence {
            let _ = session.keepalive_send();
            if heard.elapsed() > limit {
                break;
            }
        }
        match relay.step(&mut buf) {
            Step::Done => break,
            Step::Moved => {
                heard = Instant::now();
                continue;
            }
            Step::Idle if relay.pending(&session) => continue,
            Step::Idle => {}
        }
        let mut fds = [
            PollFd::new(net.as_fd(), session_wants(&session)),
            PollFd::new(relay.local().as_fd(), relay.wanted()),
        ];
        let _ = poll(&mut fds, PollTimeout::from(50u16));
        if fds[0]
            .revents()
            .is_some_and(|r| r.contains(PollFlags::POLLIN))
        {
            heard = Instant::now();
        }
    }
    relay.end_local();
    // The channel's close, briefly: the session ends with this thread anyway.
    let until = Instant::now() + Duration::from_secs(2);
    while !relay.wind_down() && Instant::now() < until {
        let mut fds = [PollFd::new(net.as_fd(), session_wants(&session))];
        let _ = poll(&mut fds, PollTimeout::from(50u16));
    }
}
