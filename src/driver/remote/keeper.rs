//! The warm-connection keeper (see `warm.rs`): a detached process of this user's that holds
//! one verified ssh session, keeps one channel to the daemon running as a spare, hands it to
//! the one-shot that asks (as a descriptor over its socket) and relays it from then on. One
//! loop owns the session: libssh2 is never driven from two threads.

use std::ffi::CString;
use std::io::{ErrorKind, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};

use super::relay::{session_wants, Relay, Step};
use super::ssh::Opened;
use super::warm::{self, Info, Paths, INFO, NO, STOP, TAKE, YES};
use crate::deadline::Deadline;
use crate::error::{Error, Result};
use crate::uri::Uri;

/// The environment variable that makes the virtsh binary a keeper (`rw` or `ro`); its one
/// argument is the URI.
pub const KEEPER_ENV: &str = "VIRTSH_WARM_KEEPER";

/// Keepalives when the ssh configuration sets none (15 s, three unanswered in a row): a dead
/// host is noticed within a minute.
const KEEPALIVE: Duration = Duration::from_secs(15);
const SILENCE: Duration = Duration::from_secs(60);

/// When this process was started as a keeper: keeps until idle, stopped or dead.
pub fn run_if_keeper(args: &[std::ffi::OsString]) -> Option<i32> {
    let mode = std::env::var_os(KEEPER_ENV)?;
    // Started as a keeper, it never runs as virtsh, whatever its arguments.
    let [uri] = args else {
        return Some(2);
    };
    let Some(uri) = uri.to_str().and_then(|u| Uri::parse(u).ok()) else {
        return Some(2);
    };
    Some(match keep(&uri, mode == "ro") {
        Ok(()) => 0,
        Err(_) => 1,
    })
}

fn keep(uri: &Uri, readonly: bool) -> Result<()> {
    let expiry = warm::expiry(uri)?;
    // One deadline for the whole connection's making, as a one-shot's.
    let mut deadline = Deadline::after(super::connect_limit(uri)?);
    let paths = Paths::of(uri, readonly, &mut deadline)
        .ok_or_else(|| Error::internal("no private directory for warm connections"))?;
    let lock = crate::state::try_lock(&paths.lock)
        .map_err(|e| Error::system("cannot open the keeper's lock", &e))?;
    // Another keeper has this destination, or the lock file went with a keeper that ended
    // while this one waited (the next one-shot starts another).
    let Some(lock) = lock.filter(|l| l.is_at(&paths.lock)) else {
        return Ok(());
    };
    // Declared after the lock, so dropped before it on every return.
    let signals = SocketOnSignals::arm(&paths.sock, &paths.lock);
    let opened = Opened::open(uri, &mut deadline)?;
    let name = super::daemon_name(uri);
    // Spares reach the daemon's socket directly when sshd allows it: a program started per
    // channel (virt-ssh-helper) costs the remote sshd a fork and exec, ~100 ms here, which
    // back-to-back one-shots would wait for.
    let direct = super::ssh::daemon_sockets(uri, readonly)
        .into_iter()
        .find_map(|path| Some((opened.socket_channel(&path).ok()?, path)));
    let (spare, socket) = match direct {
        Some((channel, path)) => (channel, Some(path)),
        None => (opened.relay_channel(uri, &name, readonly)?, None),
    };
    let _ = std::fs::remove_file(&paths.sock);
    let listener = UnixListener::bind(&paths.sock)
        .map_err(|e| Error::system("cannot listen for warm connections", &e))?;
    let _ = std::fs::set_permissions(&paths.sock, std::fs::Permissions::from_mode(0o600));
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::system("cannot listen for warm connections", &e))?;
    let silence = opened.silence.unwrap_or(SILENCE);
    let mut keeper = Keeper {
        uri,
        name,
        readonly,
        socket,
        opened,
        listener,
        spare: Some(spare),
        relays: Vec::new(),
        closing: Vec::new(),
        expiry,
        last_used: Instant::now(),
        served: 0,
        stopping: false,
        sock: paths.sock.clone(),
    };
    keeper.run(silence);
    // The socket and the lock file go before the lock is let go, so a new keeper never loses
    // its own (one that locked the old file finds it gone and ends).
    let _ = std::fs::remove_file(&paths.sock);
    let _ = std::fs::remove_file(&paths.lock);
    // Whatever the keeper carried sees the connection close (the session goes with it).
    for r in keeper.relays.iter().chain(&keeper.closing) {
        r.end_local();
    }
    drop(signals);
    drop(lock);
    Ok(())
}

/// The socket and lock file a signal handler removes (C strings, never freed), or null.
static SOCKET: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());
static LOCK: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());

extern "C" fn on_end_signal(signal: libc::c_int) {
    for file in [&SOCKET, &LOCK] {
        let path = file.load(Ordering::SeqCst);
        if !path.is_null() {
            // SAFETY: unlink is async-signal-safe; the string is never freed.
            unsafe { libc::unlink(path) };
        }
    }
    // Ended as the signal ends a process, now that the socket is gone.
    // SAFETY: signal and raise are async-signal-safe.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// While it lives, SIGTERM, SIGINT and SIGHUP end the keeper at once with its socket removed
/// first. It must live no longer than the lock: only while the keeper holds the lock is the
/// socket's path its own and no other keeper's. What it relays sees the connection close, as
/// when it expires.
struct SocketOnSignals;

impl SocketOnSignals {
    fn arm(sock: &Path, lock: &Path) -> SocketOnSignals {
        for (slot, file) in [(&SOCKET, sock), (&LOCK, lock)] {
            if let Ok(path) = CString::new(file.as_os_str().as_bytes()) {
                slot.store(path.into_raw(), Ordering::SeqCst);
            }
        }
        let action = SigAction::new(
            SigHandler::Handler(on_end_signal),
            SaFlags::empty(),
            SigSet::empty(),
        );
        for signal in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGHUP] {
            // SAFETY: the handler only unlinks a path set before and re-raises the signal.
            let _ = unsafe { sigaction(signal, &action) };
        }
        SocketOnSignals
    }
}

impl Drop for SocketOnSignals {
    fn drop(&mut self) {
        // Left leaked: a handler running now may still read them.
        SOCKET.store(std::ptr::null_mut(), Ordering::SeqCst);
        LOCK.store(std::ptr::null_mut(), Ordering::SeqCst);
    }
}

struct Keeper<'a> {
    uri: &'a Uri,
    name: String,
    readonly: bool,
    /// The daemon socket spares reach directly; none: each runs the relay program.
    socket: Option<String>,
    opened: Opened,
    listener: UnixListener,
    spare: Option<ssh2::Channel>,
    relays: Vec<Relay>,
    /// Relays whose local side ended, their channels still being closed.
    closing: Vec<Relay>,
    expiry: Duration,
    last_used: Instant,
    served: u64,
    stopping: bool,
    sock: std::path::PathBuf,
}

impl Keeper<'_> {
    fn run(&mut self, silence: Duration) {
        let session = self.opened.session.clone();
        let interval = self.opened.interval.unwrap_or(KEEPALIVE);
        session.set_keepalive(true, interval.as_secs().clamp(1, u32::MAX.into()) as u32);
        session.set_timeout(0);
        session.set_blocking(false);
        let mut buf = vec![0u8; 64 * 1024];
        let mut heard = Instant::now();
        loop {
            let mut moved = self.accept();
            if !self.spare_alive(&mut buf) {
                return;
            }
            if session.keepalive_send().is_err() || heard.elapsed() > silence {
                return;
            }
            if self.relays.is_empty()
                && self.closing.is_empty()
                && (self.stopping || self.last_used.elapsed() >= self.expiry)
            {
                return;
            }
            // The relays are stepped last: nothing touches the session between their turn
            // and the poll, but what they read for each other is checked for.
            self.closing.retain_mut(|r| !r.wind_down());
            let mut i = 0;
            while i < self.relays.len() {
                match self.relays[i].step(&mut buf) {
                    Step::Done => {
                        let done = self.relays.swap_remove(i);
                        done.end_local();
                        self.closing.push(done);
                        self.last_used = Instant::now();
                        moved = true;
                        continue;
                    }
                    Step::Moved => moved = true,
                    Step::Idle => {}
                }
                i += 1;
            }
            if moved {
                heard = Instant::now();
                continue;
            }
            if self.relays.iter().any(|r| r.pending(&session)) {
                continue;
            }
            // The next spare is opened when no one is waiting on a relay (a client that
            // comes first has it opened for itself) when it costs a program's start.
            if self.spare.is_none() && !self.stopping && self.relays.is_empty() && self.quiet() {
                if self.open_spare().is_err() {
                    return;
                }
                continue;
            }
            let mut fds = vec![
                PollFd::new(self.opened.net.as_fd(), session_wants(&session)),
                PollFd::new(self.listener.as_fd(), PollFlags::POLLIN),
            ];
            fds.extend(
                self.relays
                    .iter()
                    .map(|r| PollFd::new(r.local().as_fd(), r.wanted())),
            );
            // The expiry counts only while nothing is relayed.
            let wait = match self.relays.is_empty() {
                true => self.expiry.saturating_sub(self.last_used.elapsed()),
                false => Duration::from_secs(1),
            };
            let wait = wait.min(Duration::from_secs(1)).as_millis().max(1);
            let _ = poll(
                &mut fds,
                PollTimeout::try_from(wait as i32).unwrap_or(PollTimeout::MAX),
            );
            let net = fds[0].revents().unwrap_or(PollFlags::empty());
            if net.intersects(PollFlags::POLLHUP | PollFlags::POLLERR) {
                return;
            }
            if net.contains(PollFlags::POLLIN) {
                heard = Instant::now();
            }
        }
    }

    /// Answers every client waiting on the socket; whether there were any.
    fn accept(&mut self) -> bool {
        let mut any = false;
        loop {
            match self.listener.accept() {
                Ok((client, _)) => {
                    any = true;
                    self.answer(client);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => return any,
                // Out of descriptors, say: the socket stays readable, so do not spin on it.
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(50));
                    return any;
                }
            }
        }
    }

    fn answer(&mut self, mut client: UnixStream) {
        // Only this user's processes get anything (the directory is private too).
        if !warm::same_user(&client) {
            return;
        }
        let _ = client.set_nonblocking(false);
        // A client writes its request as it connects; one that does not is not waited for.
        let _ = client.set_read_timeout(Some(Duration::from_millis(200)));
        let mut request = [0u8; 1];
        if client.read_exact(&mut request).is_err() {
            return;
        }
        match request[0] {
            TAKE => self.hand_over(&client),
            INFO => {
                let info = Info {
                    pid: std::process::id(),
                    readonly: self.readonly,
                    uri: self.uri.to_string(),
                    served: self.served,
                    idle: if self.relays.is_empty() {
                        self.last_used.elapsed().as_secs()
                    } else {
                        0
                    },
                    expiry: self.expiry.as_secs(),
                    active: self.relays.len(),
                };
                let _ = client.write_all(info.line().as_bytes());
            }
            STOP => {
                // No one new reaches it; it ends when its last connection does.
                self.stopping = true;
                let _ = std::fs::remove_file(&self.sock);
                let _ = client.write_all(&[YES]);
            }
            _ => {}
        }
    }

    fn hand_over(&mut self, client: &UnixStream) {
        // No spare to be had without waiting on other relays' sends: the client goes cold.
        let unready = self.spare.is_none() && (!self.quiet() || self.open_spare().is_err());
        if self.stopping || unready {
            let _ = (&*client).write_all(&[NO]);
            return;
        }
        let Ok((ours, theirs)) = UnixStream::pair() else {
            let _ = (&*client).write_all(&[NO]);
            return;
        };
        if warm::send_fd(client, &OwnedFd::from(theirs)).is_err() {
            return;
        }
        let channel = self.spare.take().expect("a spare was opened above");
        self.relays.push(Relay::new(channel, ours));
        self.served += 1;
        self.last_used = Instant::now();
        // A direct spare is one round trip away: had now, it is ready for the next client.
        if self.socket.is_some() && self.quiet() && self.open_spare().is_err() {
            self.stopping = true;
        }
    }

    /// Whether the session has no send under way (a relay's bytes or a channel's close): only
    /// then may a blocking call (opening a spare) use it.
    fn quiet(&self) -> bool {
        self.closing.is_empty() && !self.relays.iter().any(Relay::sending)
    }

    /// Opens the next spare channel: a few round trips, done blocking while nothing else is
    /// moving (or while a client waits for it).
    fn open_spare(&mut self) -> Result<()> {
        let session = &self.opened.session;
        session.set_blocking(true);
        session.set_timeout(10_000);
        let channel = match &self.socket {
            Some(path) => self.opened.socket_channel(path),
            None => self
                .opened
                .relay_channel(self.uri, &self.name, self.readonly),
        };
        session.set_timeout(0);
        session.set_blocking(false);
        self.spare = Some(channel?);
        Ok(())
    }

    /// Whether the spare is still good: a relay whose far end ended (the daemon restarted) is
    /// dropped and replaced on the next quiet turn. The daemon says nothing before the
    /// client does, so anything read from the spare means it is not usable either.
    fn spare_alive(&mut self, buf: &mut [u8]) -> bool {
        let Some(spare) = &mut self.spare else {
            return true;
        };
        match spare.read(buf) {
            Err(e) if e.kind() == ErrorKind::WouldBlock => true,
            Err(_) => false,
            Ok(0) if !spare.eof() => true,
            Ok(_) => {
                let _ = spare.close();
                self.spare = None;
                true
            }
        }
    }
}
