//! Warm connections for one-shot commands over ssh, as OpenSSH's ControlPersist keeps a
//! master: the first one-shot to an ssh URI leaves a keeper process (`keeper.rs`) that holds
//! the verified ssh session with one channel to the daemon already running; the next one-shot
//! to the same destination takes that channel over a unix socket of this user's and the
//! keeper opens the next one.
//!
//! - Where: `$XDG_RUNTIME_DIR/virtsh-warm/` (else `/run/user/UID`, else
//!   `$TMPDIR/virtsh-warm-UID`), a directory 0700 of this user's; a keeper's socket (0600) and
//!   its lock file are named by a hash of everything that decides the destination (the URI,
//!   read-only or not, the resolved ssh configuration and the home it came from).
//! - How long: `warm=SECONDS` in the URI, else `$VIRTSH_WARM`, else 60 s of no use; `0`
//!   neither uses nor leaves keepers.
//! - Seeing and stopping them: `virtsh --warm` lists them, `virtsh --warm-stop [URI]` stops
//!   them (a keeper stops taking clients at once and ends when its last relayed connection
//!   does).
//!
//! Nothing is papered over: the keeper's session was verified as a fresh one; when it dies the
//! keeper ends, its relayed connections see the connection close, and the next one-shot
//! connects (and verifies) anew. Any trouble taking a warm channel means a cold connection,
//! never a different output.

use std::hash::{Hash, Hasher};
use std::io::{IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use nix::sys::socket::{
    connect, getsockopt, recvmsg, sendmsg, socket, sockopt, AddressFamily, ControlMessage,
    ControlMessageOwned, MsgFlags, SockFlag, SockType, UnixAddr,
};

use super::ssh;
use crate::deadline::Deadline;
use crate::error::{Error, Result};
use crate::uri::Uri;

/// Idle expiry in seconds when the URI has no `warm=`.
pub const EXPIRY_ENV: &str = "VIRTSH_WARM";
const DEFAULT_EXPIRY: u64 = 60;

/// Requests on a keeper's socket, one byte each.
pub(super) const TAKE: u8 = b'T';
pub(super) const INFO: u8 = b'I';
pub(super) const STOP: u8 = b'Q';
pub(super) const YES: u8 = b'+';
pub(super) const NO: u8 = b'-';

/// Set for one-shot runs: only they leave keepers behind (an interactive shell keeps its own
/// connection, and would only use a keeper someone else left).
static ONE_SHOT: AtomicBool = AtomicBool::new(false);

pub fn set_one_shot() {
    ONE_SHOT.store(true, Ordering::Relaxed);
}

/// How long a keeper of `uri` waits unused before it ends (zero: no warm connections).
pub fn expiry(uri: &Uri) -> Result<Duration> {
    let (value, source) = match uri.param("warm") {
        Some(v) => (v.to_string(), "the URI parameter warm"),
        None => match std::env::var(EXPIRY_ENV) {
            Ok(v) if !v.is_empty() => (v, "VIRTSH_WARM"),
            _ => return Ok(Duration::from_secs(DEFAULT_EXPIRY)),
        },
    };
    value.trim().parse().map(Duration::from_secs).map_err(|_| {
        Error::invalid_arg(format!(
            "invalid value '{value}' for {source}: give the seconds a warm connection waits unused (0: none)"
        ))
    })
}

/// This user's directory of keepers, created 0700; `None` when it cannot be had safely (not
/// ours, or open to others).
pub(super) fn dir() -> Option<PathBuf> {
    let uid = nix::unistd::geteuid().as_raw();
    let dir = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d).join("virtsh-warm"),
        None => {
            let run = PathBuf::from(format!("/run/user/{uid}"));
            if run.is_dir() {
                run.join("virtsh-warm")
            } else {
                std::env::temp_dir().join(format!("virtsh-warm-{uid}"))
            }
        }
    };
    let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
    let meta = std::fs::symlink_metadata(&dir).ok()?;
    (meta.is_dir() && meta.uid() == uid && meta.mode() & 0o077 == 0).then_some(dir)
}

/// A keeper's socket and lock file.
pub(super) struct Paths {
    pub sock: PathBuf,
    pub lock: PathBuf,
}

impl Paths {
    /// The keeper's of `uri`, as far as the ssh configuration (read no later than
    /// `deadline`) says where it goes.
    pub fn of(uri: &Uri, readonly: bool, deadline: &mut Deadline) -> Option<Paths> {
        let dir = dir()?;
        // One binary is both sides, so std's hasher names the same destination the same way.
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (ssh::destination(uri, deadline)?, readonly).hash(&mut h);
        let base = format!("{:016x}", h.finish());
        Some(Paths {
            sock: dir.join(format!("{base}.sock")),
            lock: dir.join(format!("{base}.lock")),
        })
    }
}

/// Whether the other end of `s` runs as this user.
pub(super) fn same_user(s: &UnixStream) -> bool {
    getsockopt(s, sockopt::PeerCredentials)
        .is_ok_and(|c| c.uid() == nix::unistd::geteuid().as_raw())
}

/// The warm channel to the daemon for `uri`, when a keeper has one; `None` means connect
/// cold.
pub fn take(uri: &Uri, readonly: bool, deadline: &mut Deadline) -> Result<Option<UnixStream>> {
    if expiry(uri)?.is_zero() {
        return Ok(None);
    }
    Ok(Paths::of(uri, readonly, deadline).and_then(|p| ask_for_channel(&p)))
}

/// How long a one-shot waits for a keeper's answer: a keeper that takes longer (stopped,
/// or busy opening a channel) is passed over for a cold connection.
const ANSWER_WITHIN: Duration = Duration::from_millis(500);

fn ask_for_channel(paths: &Paths) -> Option<UnixStream> {
    let s = reach(&paths.sock)?;
    s.set_read_timeout(Some(ANSWER_WITHIN)).ok()?;
    (&s).write_all(&[TAKE]).ok()?;
    receive_fd(&s)
}

/// A connection to the keeper at `sock`, when one of this user's answers there. Never waits:
/// the socket of a keeper that stopped accepting (its backlog full) is as good as none.
fn reach(sock: &std::path::Path) -> Option<UnixStream> {
    let fd = socket(
        AddressFamily::Unix,
        SockType::Stream,
        SockFlag::SOCK_NONBLOCK | SockFlag::SOCK_CLOEXEC,
        None,
    )
    .ok()?;
    connect(fd.as_raw_fd(), &UnixAddr::new(sock).ok()?).ok()?;
    let s = UnixStream::from(fd);
    s.set_nonblocking(false).ok()?;
    same_user(&s).then_some(s)
}

/// Sends `fd` with a yes.
pub(super) fn send_fd(s: &UnixStream, fd: &OwnedFd) -> std::io::Result<()> {
    let fds = [fd.as_raw_fd()];
    sendmsg::<()>(
        s.as_raw_fd(),
        &[IoSlice::new(&[YES])],
        &[ControlMessage::ScmRights(&fds)],
        MsgFlags::empty(),
        None,
    )?;
    Ok(())
}

fn receive_fd(s: &UnixStream) -> Option<UnixStream> {
    let mut answer = [0u8; 1];
    let mut iov = [IoSliceMut::new(&mut answer)];
    let mut space = nix::cmsg_space!(std::os::fd::RawFd);
    let msg = recvmsg::<()>(
        s.as_raw_fd(),
        &mut iov,
        Some(&mut space),
        MsgFlags::MSG_CMSG_CLOEXEC,
    )
    .ok()?;
    let mut received = None;
    for c in msg.cmsgs().ok()? {
        if let ControlMessageOwned::ScmRights(fds) = c {
            for fd in fds {
                // SAFETY: the descriptor was just received and is owned by nobody else.
                let owned = unsafe { OwnedFd::from_raw_fd(fd) };
                received.get_or_insert(owned);
            }
        }
    }
    let fd = received?;
    (answer[0] == YES).then(|| UnixStream::from(fd))
}

/// After a cold connection of a one-shot run: starts a keeper for `uri` in the background
/// (one that finds another already keeping it ends at once).
pub fn leave_keeper(uri: &Uri, readonly: bool) {
    if !ONE_SHOT.load(Ordering::Relaxed) || expiry(uri).map_or(true, |e| e.is_zero()) {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut command = std::process::Command::new(exe);
    command
        .env(
            super::keeper::KEEPER_ENV,
            if readonly { "ro" } else { "rw" },
        )
        .arg(uri.to_string());
    let _ = crate::sys::spawn_detached(&mut command);
}

/// A keeper's answer to INFO: what `--warm` shows of it.
pub struct Info {
    pub pid: u32,
    pub readonly: bool,
    pub uri: String,
    pub served: u64,
    pub idle: u64,
    pub expiry: u64,
    pub active: usize,
}

impl Info {
    pub fn line(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            self.pid,
            u8::from(self.readonly),
            self.served,
            self.idle,
            self.expiry,
            self.active,
            self.uri
        )
    }

    fn parse(line: &str) -> Option<Info> {
        let mut f = line.trim_end_matches('\n').splitn(7, '\t');
        Some(Info {
            pid: f.next()?.parse().ok()?,
            readonly: f.next()? == "1",
            served: f.next()?.parse().ok()?,
            idle: f.next()?.parse().ok()?,
            expiry: f.next()?.parse().ok()?,
            active: f.next()?.parse().ok()?,
            uri: f.next()?.to_string(),
        })
    }
}

/// Sends one request to the keeper at `sock`, returns its answer.
fn request(sock: &std::path::Path, what: u8) -> Option<String> {
    let mut s = reach(sock)?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    s.write_all(&[what]).ok()?;
    // A keeper's answer is a line or a short listing; more is not a keeper's.
    let mut answer = String::new();
    s.take(1 << 20).read_to_string(&mut answer).ok()?;
    Some(answer)
}

/// Every live keeper of this user, with its socket. A socket a dead keeper left is passed
/// over, not removed (listing changes nothing; the next keeper of its destination replaces
/// it).
pub fn keepers() -> Vec<(PathBuf, Info)> {
    let Some(dir) = dir() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for e in entries.flatten() {
        let sock = e.path();
        if sock.extension().is_none_or(|x| x != "sock") {
            continue;
        }
        if let Some(info) = request(&sock, INFO).and_then(|a| Info::parse(&a)) {
            found.push((sock, info));
        }
    }
    found.sort_by(|a, b| a.1.uri.cmp(&b.1.uri));
    found
}

/// Stops the keeper at `sock`; whether it said it stops.
pub fn stop(sock: &std::path::Path) -> bool {
    request(sock, STOP).is_some()
}
