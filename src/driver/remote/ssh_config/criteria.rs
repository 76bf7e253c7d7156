//! `Host` patterns and `Match` criteria, matched as OpenSSH matches them (match.c and
//! readconf.c's `match_cfg_line`): patterns byte for byte; `Host` against the host as typed,
//! with case; `Match host` and `originalhost` without case, on comma lists.

use std::ffi::OsStr;
use std::io::Read;
use std::net::IpAddr;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::process::{ChildStderr, Stdio};
use std::time::Duration;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::expand::{self, ConnInfo};
use super::options::{Args, At, Bad};
use super::reader::Reader;
use super::{text, vis, Fatal};
use crate::deadline::Deadline;
use crate::driver::remote::user_shell;

/// The release `Match version` compares with: the OpenSSH whose reading this follows.
const SSH_RELEASE: &[u8] = b"OpenSSH_10.0p2";

/// match.c's `match_pattern`: `*` any run, `?` one byte, everything else itself.
pub(super) fn pattern(s: &[u8], p: &[u8]) -> bool {
    let (mut si, mut pi) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            si += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

/// match.c's `match_pattern_list`: comma-separated patterns, `!` negating one; 1 for a
/// positive match, -1 for a negated one, 0 for none. `lower`: the patterns lowercased.
pub(super) fn pattern_list(s: &[u8], list: &[u8], lower: bool) -> i32 {
    let mut positive = 0;
    for sub in list.split(|b| *b == b',') {
        let (negated, sub) = match sub.strip_prefix(b"!") {
            Some(rest) => (true, rest),
            None => (false, sub),
        };
        // A sub-pattern longer than match.c's buffer matches nothing at all.
        if sub.len() >= 1023 {
            return 0;
        }
        let sub = match lower {
            true => sub.to_ascii_lowercase(),
            false => sub.to_vec(),
        };
        if pattern(s, &sub) {
            if negated {
                return -1;
            }
            positive = 1;
        }
    }
    positive
}

/// The criteria that take an argument after `=` as well as after a space.
const WITH_ARGUMENT: &[&str] = &[
    "host",
    "originalhost",
    "user",
    "localuser",
    "localnetwork",
    "version",
    "tagged",
    "command",
    "exec",
];

impl Reader<'_> {
    /// The host `Match host` sees: `HostName` with its `%h`, else the host given.
    fn match_host(&mut self) -> Result<Vec<u8>, Fatal> {
        match (&self.options.hostname, self.final_pass) {
            (Some(h), true) => Ok(h.clone()),
            (Some(h), false) => expand::percent(h, &[(b'h', self.original.to_vec())], self.log),
            (None, _) => Ok(self.original.to_vec()),
        }
    }

    /// The tokens of `Match exec` and `Include` paths, from what is known so far.
    pub(super) fn conn_info(&mut self) -> Result<ConnInfo, Fatal> {
        let host = self.match_host()?;
        let local_user = self.sources.local_user.as_bytes().to_vec();
        let jump = self.options.jump.as_ref().filter(|j| !j.is_none());
        Ok(ConnInfo {
            host_arg: self.original.to_vec(),
            port: self.options.port.unwrap_or(22),
            key_alias: self
                .options
                .host_key_alias
                .clone()
                .unwrap_or_else(|| host.clone()),
            host,
            remote_user: Some(
                self.options
                    .user
                    .clone()
                    .unwrap_or_else(|| local_user.clone()),
            ),
            local_user,
            home: std::os::unix::ffi::OsStrExt::as_bytes(self.sources.home.as_os_str()).to_vec(),
            jump_host: jump
                .and_then(|j| j.last())
                .map(|h| h.host.clone())
                .unwrap_or_default(),
        })
    }

    /// A `Match` line: whether the block applies; `Bad` for a condition OpenSSH refuses.
    pub(super) fn match_line(
        &mut self,
        args: &mut Args<'_>,
        at: &At<'_>,
    ) -> Result<Result<bool, Bad>, Fatal> {
        let host = self.match_host()?;
        let (mut result, mut attributes) = (true, 0);
        while let Some(word) = args.next() {
            if word.first() == Some(&b'#') {
                args.consume();
                break;
            }
            let shown = vis(word);
            let (negate, attribute) = match word.strip_prefix(b"!") {
                Some(rest) => (true, rest),
                None => (false, word),
            };
            if attribute.eq_ignore_ascii_case(b"all") {
                let combined = attributes > 1 || {
                    let next = args.next();
                    if next.is_some_and(|n| n.first() == Some(&b'#')) {
                        args.consume();
                    }
                    next.is_some_and(|n| !n.is_empty() && n[0] != b'#')
                };
                if combined {
                    self.log.error(format!(
                        "{}: '{shown}' cannot be combined with other Match attributes",
                        at.short()
                    ));
                    return Ok(Err(Bad));
                }
                if result {
                    result = !negate;
                }
                return Ok(Ok(result));
            }
            attributes += 1;
            if attribute.eq_ignore_ascii_case(b"canonical")
                || attribute.eq_ignore_ascii_case(b"final")
            {
                // `final`, negated or not, asks for the final pass: so does the OpenSSH this
                // follows (10.0); 10.1 asks only for one not negated (bz3843).
                if attribute.eq_ignore_ascii_case(b"final") {
                    self.want_final = true;
                }
                if self.final_pass == negate {
                    result = false;
                }
                continue;
            }
            let prefixed = attribute.iter().position(|b| *b == b'=').filter(|eq| {
                WITH_ARGUMENT
                    .iter()
                    .any(|w| w.as_bytes().eq_ignore_ascii_case(&attribute[..*eq]))
            });
            let (name, arg) = match prefixed {
                Some(eq) => (&attribute[..eq], Some(&attribute[eq + 1..])),
                None => match args.next() {
                    Some(a) => (attribute, Some(a)),
                    None => {
                        self.log.error(format!(
                            "{}: missing argument for Match '{shown}'",
                            at.short()
                        ));
                        return Ok(Err(Bad));
                    }
                },
            };
            let lower = name.to_ascii_lowercase();
            let empty_allowed = matches!(lower.as_slice(), b"tagged" | b"command");
            let arg = arg.filter(|a| !a.is_empty() || empty_allowed);
            let Some(arg) = arg.filter(|a| a.first() != Some(&b'#')) else {
                self.log
                    .error(format!("Missing Match criteria for {}", vis(name)));
                return Ok(Err(Bad));
            };
            let holds = match lower.as_slice() {
                b"host" => pattern_list(&host.to_ascii_lowercase(), arg, true) == 1,
                b"originalhost" => {
                    pattern_list(&self.original.to_ascii_lowercase(), arg, true) == 1
                }
                b"user" => {
                    let user = self.options.user.clone();
                    let user = user.unwrap_or_else(|| self.sources.local_user.as_bytes().to_vec());
                    pattern_list(&user, arg, false) == 1
                }
                b"localuser" => pattern_list(self.sources.local_user.as_bytes(), arg, false) == 1,
                b"version" => pattern_list(SSH_RELEASE, arg, false) == 1,
                b"tagged" | b"command" => {
                    let subject = match lower.as_slice() {
                        b"tagged" => self.options.tag.clone().unwrap_or_default(),
                        // What ssh runs for libvirt is a command, but not virtsh's: no match.
                        _ => Vec::new(),
                    };
                    match subject.is_empty() {
                        true => arg.is_empty(),
                        false => pattern_list(&subject, arg, false) == 1,
                    }
                }
                b"sessiontype" => pattern_list(b"exec", arg, false) == 1,
                b"localnetwork" => match local_network(arg) {
                    Some(matched) => matched,
                    None => {
                        self.log
                            .error(format!("Invalid network entry \"{}\"", cut(&vis(arg), 100)));
                        return Ok(Err(Bad));
                    }
                },
                b"exec" => {
                    let command = expand::percent(arg, &self.conn_info()?.tokens(), self.log)?;
                    if !result {
                        continue;
                    }
                    match self.execute(&command)? {
                        Some(status) => status == 0,
                        None => {
                            return Err(self.log.fatal(format!(
                                "{}: match exec '{}' error",
                                at.short(),
                                cut(&vis(&command), 100)
                            )))
                        }
                    }
                }
                _ => {
                    self.log
                        .error(format!("Unsupported Match attribute {}", vis(name)));
                    return Ok(Err(Bad));
                }
            };
            if holds == negate {
                result = false;
            }
        }
        if attributes == 0 {
            self.log
                .error("One or more attributes required for Match".into());
            return Ok(Err(Bad));
        }
        Ok(Ok(result))
    }

    /// Runs a `Match exec` command as ssh does (in the user's shell, stdin and stdout on
    /// /dev/null, what it writes on stderr part of ssh's), but for no longer than the
    /// connection's time limit; its exit status, none when it did not exit normally (or was
    /// stopped at the limit).
    fn execute(&mut self, command: &[u8]) -> Result<Option<i32>, Fatal> {
        let shell = user_shell::path();
        let spawned = user_shell::command(&shell, OsStr::from_bytes(command))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn();
        let mut child = match spawned {
            Ok(c) => c,
            Err(e) => {
                return Err(self.log.fatal(format!(
                    "Shell \"{}\" is not executable: {}",
                    vis(shell.as_bytes()),
                    crate::sys::strerror(&e)
                )))
            }
        };
        let deadline = Deadline::after(self.sources.command_limit);
        // Read here, between looks at the command, so that a full pipe never stops it and
        // nothing reads on once this returns.
        let mut stderr = child.stderr.take();
        let mut kept = Vec::new();
        let status = loop {
            match &mut stderr {
                Some(pipe) => {
                    if read_some(pipe, &mut kept, POLL_EVERY) == Pipe::Ended {
                        stderr = None;
                    }
                }
                None => std::thread::sleep(POLL_EVERY),
            }
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if !deadline.passed() => {}
                _ => {
                    let group = nix::unistd::Pid::from_raw(-(child.id() as i32));
                    let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGKILL);
                    let _ = child.wait();
                    break None;
                }
            }
        };
        // What it wrote before it ended is in the pipe; what something it left running writes
        // later is not waited for.
        if let Some(pipe) = &mut stderr {
            while read_some(pipe, &mut kept, Duration::ZERO) == Pipe::Read && !deadline.passed() {}
        }
        self.log.output(&kept);
        let code = status.and_then(|s| s.code());
        if status.is_some() && code.is_none() {
            self.log.error(format!(
                "command '{}' exited abnormally",
                cut(&vis(command), 100)
            ));
        }
        Ok(code)
    }
}

/// How often a `Match exec` command is looked at while it runs.
const POLL_EVERY: Duration = Duration::from_millis(10);

/// How much of a `Match exec` command's stderr is kept: one byte more than libvirt reads of
/// ssh's, enough to tell that it overflowed (`ssh::config_error`).
const STDERR_KEPT: usize = 1025;

#[derive(PartialEq)]
enum Pipe {
    /// Nothing came within the wait.
    Idle,
    Read,
    Ended,
}

/// Waits up to `wait` for `pipe`, then reads one chunk of it: the first [`STDERR_KEPT`] bytes
/// into `kept`, the rest read and dropped.
fn read_some(pipe: &mut ChildStderr, kept: &mut Vec<u8>, wait: Duration) -> Pipe {
    let timeout = PollTimeout::try_from(wait.as_millis()).unwrap_or(PollTimeout::MAX);
    let mut fds = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
    match poll(&mut fds, timeout) {
        Ok(0) | Err(nix::errno::Errno::EINTR) => return Pipe::Idle,
        Ok(_) => {}
        Err(_) => return Pipe::Ended,
    }
    let mut chunk = [0u8; 4096];
    match pipe.read(&mut chunk) {
        Ok(0) => Pipe::Ended,
        Ok(n) => {
            let room = STDERR_KEPT.saturating_sub(kept.len());
            kept.extend_from_slice(&chunk[..n.min(room)]);
            Pipe::Read
        }
        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Pipe::Idle,
        Err(_) => Pipe::Ended,
    }
}

/// `Match localnetwork`: whether an address of an interface that is up is in one of the
/// networks (`ADDRESS/BITS` or `ADDRESS`, comma-separated); none for a list OpenSSH refuses.
fn local_network(list: &[u8]) -> Option<bool> {
    let mut networks = Vec::new();
    for entry in text(list).split(',') {
        let (addr, bits) = entry.split_once('/').unwrap_or((entry, ""));
        let addr: IpAddr = addr.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits: u32 = match bits {
            "" => max,
            b => b.parse().ok().filter(|b| *b <= max)?,
        };
        networks.push((addr, bits));
    }
    let within = |a: IpAddr, (net, bits): (IpAddr, u32)| match (a, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    };
    Some(
        interface_addresses()
            .into_iter()
            .any(|a| networks.iter().any(|n| within(a, *n))),
    )
}

/// The addresses of the interfaces that are up.
fn interface_addresses() -> Vec<IpAddr> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list freed below; nothing keeps pointers into it.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut cursor = head;
    while !cursor.is_null() {
        // SAFETY: `cursor` is a node of the list getifaddrs returned, not yet freed.
        let ifa = unsafe { &*cursor };
        cursor = ifa.ifa_next;
        if ifa.ifa_addr.is_null() || ifa.ifa_flags & libc::IFF_UP as u32 == 0 {
            continue;
        }
        // SAFETY: the family says which sockaddr the address is.
        let addr = unsafe {
            match i32::from((*ifa.ifa_addr).sa_family) {
                libc::AF_INET => {
                    let sin = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                    IpAddr::from(u32::from_be(sin.sin_addr.s_addr).to_be_bytes())
                }
                libc::AF_INET6 => {
                    let sin6 = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
                    IpAddr::from(sin6.sin6_addr.s6_addr)
                }
                _ => continue,
            }
        };
        found.push(addr);
    }
    // SAFETY: the list getifaddrs allocated, freed once.
    unsafe { libc::freeifaddrs(head) };
    found
}

/// A message's `%.Ns`: at most `n` bytes of `s`.
pub(super) fn cut(s: &str, n: usize) -> &str {
    let mut end = s.len().min(n);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(pattern(b"lab1.example.com", b"*.example.com"));
        assert!(!pattern(b"Lab1.example.com", b"lab*"));
        assert!(pattern(b"host", b"h?st"));
        assert!(!pattern(b"hoost", b"h?st"));
        assert!(pattern(b"", b"*"));
        assert!(pattern(b"caf\xe9", b"caf?"));
        assert_eq!(pattern_list(b"lab1", b"LAB*,!lab2", true), 1);
        assert_eq!(pattern_list(b"lab2", b"lab*,!lab2", true), -1);
        assert_eq!(pattern_list(b"x", b"lab*", true), 0);
    }
}
