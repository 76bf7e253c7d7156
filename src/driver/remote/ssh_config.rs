//! OpenSSH's client configuration (`~/.ssh/config`, then `/etc/ssh/ssh_config`), read as
//! OpenSSH 10's `ssh` reads it (ssh_config(5), readconf.c): bytes split by its tokenizer
//! (`line.rs`), every line checked whether or not it applies (`options.rs`, `keywords.rs`),
//! `Host` and `Match` as it matches them (`criteria.rs`), `Include` with its permission check
//! and depth limit (`reader.rs`), `%` tokens as it expands them (`expand.rs`). For each keyword
//! the first value obtained wins, except `IdentityFile`, which accumulates.
//!
//! What OpenSSH refuses is refused with the lines it prints ([`ConfigError`]); what it takes
//! and virtsh cannot honour is named in [`HostConfig::unhonoured`] for the transport to refuse.

mod criteria;
mod expand;
mod jump;
mod keywords;
mod line;
mod options;
mod reader;

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use expand::ConnInfo;
use options::Options;

/// What OpenSSH writes on stderr, so far: its own lines (ended by `\r\n`), and what the
/// commands it runs write.
#[derive(Debug, Default)]
struct Log {
    stderr: String,
}

/// The run ended, as OpenSSH's `fatal()` ends it: the lines are in the [`Log`].
#[derive(Debug)]
struct Fatal;

impl Log {
    fn error(&mut self, line: String) {
        self.stderr.push_str(&line);
        self.stderr.push_str("\r\n");
    }

    fn fatal(&mut self, line: String) -> Fatal {
        self.error(line);
        Fatal
    }

    /// A command's own output on the same stderr.
    fn output(&mut self, bytes: &[u8]) {
        self.stderr.push_str(&String::from_utf8_lossy(bytes));
    }
}

/// A configuration OpenSSH refuses (or a value it cannot expand): what `ssh` writes on stderr
/// before it gives up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub stderr: String,
}

impl ConfigError {
    /// The stderr cut at ssh's line ends.
    #[cfg(test)]
    pub fn lines(&self) -> Vec<&str> {
        self.stderr
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .collect()
    }
}

impl From<Log> for ConfigError {
    fn from(log: Log) -> ConfigError {
        ConfigError { stderr: log.stderr }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.stderr.trim_end())
    }
}

impl std::error::Error for ConfigError {}

/// Where the files are, and whose they are.
#[derive(Debug, Clone)]
pub struct Sources {
    /// `~` and `%d`.
    pub home: PathBuf,
    pub user_file: PathBuf,
    /// Whether the user's file must be the user's (or root's) and writable by no one else, as
    /// `~/.ssh/config` must (a file given with `ssh -F` need not).
    pub check_user_file: bool,
    /// `/etc/ssh/ssh_config` (none with `ssh -F`).
    pub system_file: Option<PathBuf>,
    pub local_user: String,
    /// How long a `Match exec` command may run (ssh waits for ever; virtsh bounds each wait
    /// of a connection).
    pub command_limit: Duration,
}

impl Sources {
    pub fn standard(home: &Path, local_user: &str, command_limit: Duration) -> Sources {
        Sources {
            home: home.to_path_buf(),
            user_file: home.join(".ssh/config"),
            check_user_file: true,
            system_file: Some(PathBuf::from("/etc/ssh/ssh_config")),
            local_user: local_user.to_string(),
            command_limit,
        }
    }
}

/// `StrictHostKeyChecking`, by what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strict {
    Yes,
    Off,
    Ask,
    AcceptNew,
}

impl Strict {
    fn parse(word: &[u8]) -> Strict {
        match word.to_ascii_lowercase().as_slice() {
            b"true" | b"yes" => Strict::Yes,
            b"false" | b"no" | b"off" => Strict::Off,
            b"accept-new" => Strict::AcceptNew,
            _ => Strict::Ask,
        }
    }
}

/// `AddressFamily`: which addresses of the host ssh connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Any,
    Inet,
    Inet6,
}

/// One host of a `ProxyJump` chain, as parsed (a user URL-decoded, a port read).
#[derive(Debug, Clone, PartialEq)]
pub struct JumpHost {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
}

/// What the configuration makes of one destination, as `ssh -G` shows it: defaults filled
/// in, the host name, user, `IdentityAgent` and `UserKnownHostsFile` expanded; the
/// `ProxyCommand` and identity files are expanded when used ([`HostConfig::proxy_command`],
/// [`HostConfig::identity_paths`]), as ssh expands them only when it connects.
#[derive(Debug, Clone, PartialEq)]
pub struct HostConfig {
    /// Where to connect: `HostName` (its `%h` expanded), else the host given; lowercased
    /// unless it is an address.
    pub host_name: String,
    pub user: String,
    pub port: u16,
    /// As written (`~` and tokens unexpanded), the defaults when none is.
    pub identity_files: Vec<Vec<u8>>,
    pub identities_only: bool,
    pub identity_agent: Option<Vec<u8>>,
    /// As written: the raw rest of its line.
    pub proxy_command: Option<Vec<u8>>,
    /// As `ssh -G` prints it: `[extra,][user@]host[:port]`, a numeric host in brackets.
    pub proxy_jump: Option<String>,
    /// The `ProxyJump` hosts in the order they are reached (none without one).
    pub jump_hops: Vec<JumpHost>,
    pub user_known_hosts: Vec<Vec<u8>>,
    pub global_known_hosts: Vec<Vec<u8>>,
    pub strict_host_key_checking: Strict,
    /// A host key added to a known hosts file is added under a hashed name.
    pub hash_known_hosts: bool,
    pub address_family: Family,
    /// Lowercased, as ssh uses it.
    pub host_key_alias: Option<String>,
    /// Seconds; none: the system's TCP timeout.
    pub connect_timeout: Option<u64>,
    /// Seconds; zero: no keepalives.
    pub server_alive_interval: u64,
    pub server_alive_count_max: u32,
    /// The first setting that applies and that virtsh cannot honour (it would change where
    /// or how ssh connects), in virtsh's words with its file and line: the connection is
    /// refused with it. The rest is read as ssh reads it all the same.
    pub unhonoured: Option<String>,
    info: ConnInfo,
}

/// What the command line gives before any file is read (libvirt's `ssh -l USER -p PORT`):
/// these win over the files, and `Match user` sees the user.
#[derive(Debug, Clone, Copy, Default)]
pub struct Given<'a> {
    pub user: Option<&'a str>,
    pub port: Option<u16>,
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Bytes as OpenSSH's log prints them on stderr (`strnvis` with `VIS_SAFE | VIS_OCTAL`):
/// printable ASCII, space, tab and `\a \b \r \n` as they are, a backslash doubled, any other
/// byte as `\ooo`.
fn vis(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b' ' | b'\t' | b'\n' | b'\r' | 0x07 | 0x08 => out.push(char::from(b)),
            b if b.is_ascii_graphic() => out.push(char::from(b)),
            b => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// match.c's `match_hostname`: whether `name` is taken by comma-separated `patterns`, `!`
/// negating one (as the host field of a known hosts line is matched).
pub fn hostname_matches(name: &[u8], patterns: &[u8]) -> bool {
    criteria::pattern_list(name, patterns, true) == 1
}

/// Reads the configuration for `host` (as typed) as `ssh` would before connecting to it.
pub fn resolve(host: &str, given: Given<'_>, sources: &Sources) -> Result<HostConfig, ConfigError> {
    let mut log = Log::default();
    resolve_logged(host, given, sources, &mut log).map_err(|Fatal| ConfigError::from(log))
}

fn resolve_logged(
    host: &str,
    given: Given<'_>,
    sources: &Sources,
    log: &mut Log,
) -> Result<HostConfig, Fatal> {
    let mut options = Options {
        user: given.user.map(|u| u.as_bytes().to_vec()),
        port: given.port,
        ..Options::default()
    };
    let host_arg = host.as_bytes().to_vec();
    let final_wanted = reader::read_all(&host_arg, &host_arg, false, sources, &mut options, log)?;
    // ssh's main: `HostName` with `%h` expanded (no other token), lowercased unless an
    // address; then a final pass when a `Match final` asked for one.
    let mut name = match &options.hostname {
        Some(h) => expand::percent(h, &[(b'h', host_arg.clone())], log)?,
        None => host_arg.clone(),
    };
    match numeric_address(&name) {
        // An address is written as the C library writes it (`127.1` is `127.0.0.1`).
        Some(canonical) => {
            if !canonical.eq_ignore_ascii_case(&name) {
                name = canonical;
            }
        }
        None if looks_like_address(&name) => {}
        None => name.make_ascii_lowercase(),
    }
    if final_wanted {
        options.hostname = Some(name.clone());
        reader::read_all(&name, &host_arg, true, sources, &mut options, log)?;
    }
    finish(host, name, options, sources, log)
}

/// ssh.c's `is_addr_fast`: a `%` or `:`, or digits and dots only.
fn looks_like_address(name: &[u8]) -> bool {
    name.iter().any(|b| *b == b'%' || *b == b':')
        || name.iter().all(|b| b.is_ascii_digit() || *b == b'.')
}

/// ssh.c's `resolve_addr`: the one address `name` is (no name service asked), as
/// `getnameinfo` writes it.
fn numeric_address(name: &[u8]) -> Option<Vec<u8>> {
    let c_name = std::ffi::CString::new(name).ok()?;
    // SAFETY: plain data, zero as getaddrinfo's hints want.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_socktype = libc::SOCK_STREAM;
    hints.ai_flags = libc::AI_NUMERICHOST | libc::AI_NUMERICSERV;
    let mut found: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings and valid pointers; the list is freed below.
    let r = unsafe { libc::getaddrinfo(c_name.as_ptr(), c"22".as_ptr(), &hints, &mut found) };
    if r != 0 || found.is_null() {
        return None;
    }
    let mut text = [0 as libc::c_char; libc::NI_MAXHOST as usize];
    // SAFETY: `found` is the list getaddrinfo returned; `text` is as long as said.
    let formatted = unsafe {
        let single = (*found).ai_next.is_null();
        let r = libc::getnameinfo(
            (*found).ai_addr,
            (*found).ai_addrlen,
            text.as_mut_ptr(),
            text.len() as libc::socklen_t,
            std::ptr::null_mut(),
            0,
            libc::NI_NUMERICHOST,
        );
        libc::freeaddrinfo(found);
        (single && r == 0).then(|| std::ffi::CStr::from_ptr(text.as_ptr()).to_bytes().to_vec())
    };
    formatted
}

/// ssh.c after the files: defaults, then `User`, `IdentityAgent` and `UserKnownHostsFile`
/// expanded, and the `none`s cleared.
fn finish(
    host: &str,
    name: Vec<u8>,
    options: Options,
    sources: &Sources,
    log: &mut Log,
) -> Result<HostConfig, Fatal> {
    let home = sources.home.as_os_str().as_bytes().to_vec();
    let unhonoured = options.unhonoured();
    let port = options.port.unwrap_or(22);
    let key_alias = options.host_key_alias.clone().map(|mut a| {
        a.make_ascii_lowercase();
        a
    });
    let jump = options.jump.clone().filter(|j| !j.is_none());
    // ssh.c's checks before it expands anything.
    let raw_user = options
        .user
        .clone()
        .unwrap_or_else(|| sources.local_user.as_bytes().to_vec());
    if let Some(j) = jump.as_ref().and_then(|j| j.last()) {
        let same_user = j.user.as_ref().unwrap_or(&raw_user) == &raw_user;
        if j.host == name && j.port.unwrap_or(22) == port && same_user {
            return Err(log.fatal(format!("jumphost loop via {}", vis(&j.host))));
        }
    }
    if options.connection_attempts == Some(0) {
        return Err(log.fatal("Invalid number of ConnectionAttempts".into()));
    }
    let mut info = ConnInfo {
        host_arg: host.as_bytes().to_vec(),
        host: name.clone(),
        port,
        key_alias: key_alias
            .clone()
            .unwrap_or_else(|| host.as_bytes().to_vec()),
        local_user: sources.local_user.as_bytes().to_vec(),
        home,
        jump_host: jump
            .as_ref()
            .and_then(|j| j.last())
            .map(|h| h.host.clone())
            .unwrap_or_default(),
        remote_user: None,
    };
    let user = match &options.user {
        Some(u) => expand::client_path(u, &info.tokens(), log)?,
        None => info.local_user.clone(),
    };
    if !valid_remote_user(&user) {
        return Err(log.fatal("remote username contains invalid characters".into()));
    }
    info.remote_user = Some(user.clone());
    let tokens = info.tokens();
    let identity_agent = match &options.identity_agent {
        Some(a) => Some(expand::client_path(
            &expand::tilde(a, &sources.home, log)?,
            &tokens,
            log,
        )?),
        None => None,
    };
    let global_known_hosts = known_hosts_or_none(
        options.global_known_hosts,
        &[b"/etc/ssh/ssh_known_hosts", b"/etc/ssh/ssh_known_hosts2"],
        "GlobalKnownHostsFiles",
        log,
    )?;
    let user_known_hosts = known_hosts_or_none(
        options.user_known_hosts,
        &[b"~/.ssh/known_hosts", b"~/.ssh/known_hosts2"],
        "UserKnownHostsFiles",
        log,
    )?
    .iter()
    .map(|f| expand::client_path(&expand::tilde(f, &sources.home, log)?, &tokens, log))
    .collect::<Result<Vec<_>, Fatal>>()?;
    let identity_files = match options.identity_files.is_empty() {
        true => [
            "id_rsa",
            "id_ecdsa",
            "id_ecdsa_sk",
            "id_ed25519",
            "id_ed25519_sk",
            "id_xmss",
        ]
        .iter()
        .map(|k| format!("~/.ssh/{k}").into_bytes())
        .collect(),
        false => options.identity_files.into_iter().map(|(f, _)| f).collect(),
    };
    let proxy_command = match &options.proxy_command {
        Some(c) if !c.eq_ignore_ascii_case(b"none") => Some(c.clone()),
        _ => None,
    };
    let address_family = match options.address_family.as_deref() {
        Some(b"inet") => Family::Inet,
        Some(b"inet6") => Family::Inet6,
        _ => Family::Any,
    };
    Ok(HostConfig {
        host_name: text(&name),
        user: text(&user),
        port,
        identity_files,
        identities_only: options.identities_only.unwrap_or(false),
        identity_agent,
        proxy_command,
        proxy_jump: jump.as_ref().map(|j| j.shown()),
        jump_hops: jump.map_or_else(Vec::new, |j| {
            j.hops
                .into_iter()
                .map(|h| JumpHost {
                    user: h.user.as_deref().map(text),
                    host: text(&h.host),
                    port: h.port,
                })
                .collect()
        }),
        user_known_hosts,
        global_known_hosts,
        strict_host_key_checking: options
            .strict_host_key_checking
            .as_deref()
            .map_or(Strict::Ask, Strict::parse),
        hash_known_hosts: options.hash_known_hosts.unwrap_or(false),
        address_family,
        host_key_alias: key_alias.map(|a| text(&a)),
        connect_timeout: options.connect_timeout.map(u64::from),
        server_alive_interval: options.server_alive_interval.map_or(0, u64::from),
        server_alive_count_max: options.server_alive_count_max.unwrap_or(3),
        unhonoured,
        info,
    })
}

/// A known hosts list, its defaults when unset, empty for `none` (which must stand alone).
fn known_hosts_or_none(
    list: Option<Vec<Vec<u8>>>,
    defaults: &[&[u8]],
    what: &str,
    log: &mut Log,
) -> Result<Vec<Vec<u8>>, Fatal> {
    let list = list.unwrap_or_else(|| defaults.iter().map(|d| d.to_vec()).collect());
    match list.first() {
        Some(first) if first.eq_ignore_ascii_case(b"none") => match list.len() {
            1 => Ok(Vec::new()),
            _ => Err(log.fatal(format!(
                "Invalid {what}: \"none\" appears with other entries"
            ))),
        },
        _ => Ok(list),
    }
}

/// ssh.c's `valid_ruser`: no shell metacharacters, no option-like words.
fn valid_remote_user(user: &[u8]) -> bool {
    if user.first() == Some(&b'-') {
        return false;
    }
    user.iter().enumerate().all(|(i, c)| {
        let next = user.get(i + 1);
        let meta = b"'`\";&<>|(){}".contains(c);
        let option_after_space = b" \t\n\x0b\x0c\r".contains(c) && next == Some(&b'-');
        let trailing_backslash = *c == b'\\' && next.is_none();
        !(meta || option_after_space || trailing_backslash)
    })
}

impl HostConfig {
    /// The `ProxyCommand` as ssh runs it (`exec COMMAND` for the shell, its `%h`, `%k`, `%n`,
    /// `%p`, `%r` expanded); none when there is none.
    pub fn proxy_command(&self) -> Result<Option<OsString>, ConfigError> {
        let Some(command) = &self.proxy_command else {
            return Ok(None);
        };
        let mut log = Log::default();
        let info = &self.info;
        let tokens = [
            (b'h', info.host.clone()),
            (b'k', info.key_alias.clone()),
            (b'n', info.host_arg.clone()),
            (b'p', info.port.to_string().into_bytes()),
            (b'r', self.user.as_bytes().to_vec()),
        ];
        let line = [b"exec ".as_slice(), command].concat();
        match expand::percent(&line, &tokens, &mut log) {
            Ok(expanded) => Ok(Some(OsString::from_vec(expanded))),
            Err(Fatal) => Err(log.into()),
        }
    }

    /// The identity files, `~` and tokens expanded (`none` left out), as ssh loads them.
    pub fn identity_paths(&self) -> Result<Vec<PathBuf>, ConfigError> {
        let mut log = Log::default();
        let home = PathBuf::from(OsString::from_vec(self.info.home.clone()));
        let tokens = self.info.tokens();
        let mut paths = Vec::new();
        for f in self
            .identity_files
            .iter()
            .filter(|f| !f.eq_ignore_ascii_case(b"none"))
        {
            let expanded = expand::tilde(f, &home, &mut log)
                .and_then(|t| expand::client_path(&t, &tokens, &mut log));
            match expanded {
                Ok(p) => paths.push(PathBuf::from(OsString::from_vec(p))),
                Err(Fatal) => return Err(log.into()),
            }
        }
        Ok(paths)
    }
}

#[cfg(test)]
mod tests;
