//! The ssh transport (`qemu+ssh://`, `qemu+libssh2://`, `qemu+libssh://`), in process with the ssh2 crate: the
//! server's key checked against `known_hosts`, the agent or a key file for authentication, and
//! on the remote host what virsh runs there (`virt-ssh-helper`, else `nc -U` on the daemon
//! socket). A pump thread moves bytes between the ssh channel and a socket pair (`relay.rs`), so
//! the RPC client reads and writes on plain file descriptors.

use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ssh2::{CheckResult, HashType, KnownHostFileKind, Session};

use super::proxy::Proxy;
use super::relay::{pump, Relay};
use super::ssh_config::{self, ConfigError, Given, HostConfig, Sources, Strict};
use crate::error::{Error, ErrorCode, Result};
use crate::uri::Uri;

fn ssh_error(what: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::AuthFailed, what.to_string())
}

/// The local account: its name (the default remote user) and home (where `.ssh` is), as the
/// ssh program finds them: `$HOME` first, then the password database.
fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .or_else(|| account().map(|u| u.dir))
        .unwrap_or_else(|| PathBuf::from("/"))
}

fn account() -> Option<nix::unistd::User> {
    nix::unistd::User::from_uid(nix::unistd::getuid())
        .ok()
        .flatten()
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// What runs on the remote host: `virt-ssh-helper` when it is there, else netcat on the
/// daemon's socket (libvirt's `proxy=auto`).
fn remote_command(uri: &Uri, name: &str, readonly: bool) -> String {
    let socket = netcat_socket(uri, readonly);
    let netcat = uri.param("netcat").unwrap_or("nc");
    let helper = format!(
        "virt-ssh-helper{} {}",
        if readonly { " -r" } else { "" },
        shell_quote(name)
    );
    let nc = format!("{} -U {}", shell_quote(netcat), shell_quote(&socket));
    // As libvirt chooses its proxy: a socket or netcat named in the URI (or `proxy=netcat`)
    // means netcat to that socket; `proxy=native` the helper; else the helper when the host
    // has it.
    let netcat_asked = uri.param("socket").is_some() || uri.param("netcat").is_some();
    let script = match uri.param("proxy") {
        Some("native") => format!("exec {helper}"),
        Some("netcat") => format!("exec {nc}"),
        _ if netcat_asked => format!("exec {nc}"),
        _ => format!(
            "if which virt-ssh-helper >/dev/null 2>&1; then exec {helper}; else exec {nc}; fi"
        ),
    };
    format!("sh -c {}", shell_quote(&script))
}

/// The socket netcat is pointed at: `socket=`, else libvirtd's.
fn netcat_socket(uri: &Uri, readonly: bool) -> String {
    let ro = if readonly { "-ro" } else { "" };
    uri.param("socket")
        .map(String::from)
        .unwrap_or_else(|| format!("/run/libvirt/libvirt-sock{ro}"))
}

/// The daemon sockets of the remote host that a channel may reach directly (sshd connecting
/// to it, no program run), in the order virt-ssh-helper picks them for a system URI: the
/// modular daemon's, then libvirtd's; the one socket netcat would be given when the URI asks
/// for netcat. None for a session URI, whose daemon the helper may have to start, nor for a
/// URI that names the daemon's URI (`name=`).
pub fn daemon_sockets(uri: &Uri, readonly: bool) -> Vec<String> {
    let ro = if readonly { "-ro" } else { "" };
    // A daemon URI of its own (`name=`) is the helper's to resolve.
    if uri.param("name").is_some() {
        return Vec::new();
    }
    let netcat = uri.param("socket").is_some()
        || uri.param("netcat").is_some()
        || uri.param("proxy") == Some("netcat");
    if netcat {
        vec![netcat_socket(uri, readonly)]
    } else if uri.path == "/session" {
        Vec::new()
    } else {
        vec![
            format!("/run/libvirt/virt{}d-sock{ro}", uri.driver),
            format!("/run/libvirt/libvirt-sock{ro}"),
        ]
    }
}

/// One hop of a connection: the destination as named, and what the URI and the ssh
/// configuration make of it.
struct Hop {
    cfg: HostConfig,
}

/// What virsh prints when the ssh it runs gives up on its configuration: libvirt reads ssh's
/// stderr (1024 bytes at most, else it reports the overflow) into its "Cannot recv data"
/// error, ssh's `\r\n` line ends kept but the trailing white space.
fn config_error(e: ConfigError) -> Error {
    let message = match e.stderr.len() > 1024 {
        true => "Cannot recv data: Value too large for defined data type".to_string(),
        false => format!("Cannot recv data: {e}: Connection reset by peer"),
    };
    Error::new(ErrorCode::SystemError, message)
}

impl Hop {
    /// `name` as ssh would reach it, the URI's (or a jump's `user@host:port`) user and port
    /// given as libvirt gives them to ssh (`-l`, `-p`): before the configuration, which they
    /// win over.
    fn resolve(name: &str, user: Option<&str>, port: Option<u16>, limit: Duration) -> Result<Hop> {
        let sources = Sources::standard(&home(), &local_user(), limit);
        let cfg =
            ssh_config::resolve(name, Given { user, port }, &sources).map_err(config_error)?;
        Ok(Hop { cfg })
    }

    fn host(&self) -> &str {
        &self.cfg.host_name
    }

    fn port(&self) -> u16 {
        self.cfg.port
    }

    fn user(&self) -> &str {
        &self.cfg.user
    }

    /// The name the host key is looked up under, as OpenSSH names it: `HostKeyAlias` as it
    /// is, else the host, as `[host]:port` for a port other than 22. Also the port to look up
    /// (22: none).
    fn key_name(&self) -> (String, u16) {
        match &self.cfg.host_key_alias {
            Some(alias) => (alias.clone(), 22),
            None if self.port() == 22 => (self.host().to_string(), 22),
            None => (format!("[{}]:{}", self.host(), self.port()), self.port()),
        }
    }

    /// The URI's `connect_timeout`, else `ConnectTimeout` (0: none), else 20 s.
    fn timeout(&self, uri: Option<&Uri>) -> Duration {
        let from_config = self.cfg.connect_timeout.filter(|t| *t > 0);
        uri.and_then(super::given_connect_timeout)
            .unwrap_or(Duration::from_secs(from_config.unwrap_or(20)))
    }
}

fn local_user() -> String {
    account()
        .map(|u| u.name)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "root".into())
}

fn path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

/// The server's key against the known hosts files, with libvirt's `known_hosts_verify`
/// policies (from the URI, else from `StrictHostKeyChecking`). A key that does not match is
/// always refused.
fn verify_host(session: &Session, hop: &Hop, uri: Option<&Uri>) -> Result<()> {
    let from_uri = uri.and_then(|u| {
        if u.param("no_verify") == Some("1") {
            Some("ignore".to_string())
        } else {
            u.param("known_hosts_verify").map(String::from)
        }
    });
    let policy = from_uri.unwrap_or_else(|| {
        match hop.cfg.strict_host_key_checking {
            Strict::AcceptNew | Strict::Off => "auto",
            Strict::Yes | Strict::Ask => "normal",
        }
        .to_string()
    });
    if policy == "ignore" {
        return Ok(());
    }
    let user_files: Vec<PathBuf> = match uri.and_then(|u| u.param("known_hosts")) {
        Some(f) => vec![PathBuf::from(f)],
        None => hop.cfg.user_known_hosts.iter().map(|f| path(f)).collect(),
    };
    let global_files: Vec<PathBuf> = hop.cfg.global_known_hosts.iter().map(|f| path(f)).collect();
    let (key, kind) = session
        .host_key()
        .ok_or_else(|| ssh_error(format!("{}: the server sent no host key", hop.host())))?;
    let fingerprint = session
        .host_key_hash(HashType::Sha256)
        .map(|h| {
            use base64::Engine;
            format!(
                "SHA256:{}",
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(h)
            )
        })
        .unwrap_or_default();
    let mut known = session
        .known_hosts()
        .map_err(|e| ssh_error(format!("known_hosts: {e}")))?;
    for f in user_files.iter().chain(&global_files) {
        read_known_hosts(&mut known, f)?;
    }
    let (shown, port) = hop.key_name();
    let file = user_files.first().cloned().unwrap_or_default();
    let checked = match &hop.cfg.host_key_alias {
        Some(alias) => known.check(alias, key),
        None => known.check_port(hop.host(), port, key),
    };
    match checked {
        CheckResult::Match => Ok(()),
        CheckResult::Mismatch => Err(ssh_error(format!(
            "the host key of {shown} ({fingerprint}) does not match the one in {}: \
             the host changed its key or someone is in the middle; if the change is expected, \
             remove the old key with 'ssh-keygen -R {shown} -f {}'",
            file.display(),
            file.display()
        ))),
        CheckResult::NotFound if policy == "auto" => {
            // Only the user's file is written: the global ones read above stay out of it.
            let mut mine = session
                .known_hosts()
                .map_err(|e| ssh_error(format!("known_hosts: {e}")))?;
            read_known_hosts(&mut mine, &file)?;
            mine.add(&shown, key, "added by virtsh", kind.into())
                .map_err(|e| ssh_error(format!("known_hosts: {e}")))?;
            mine.write_file(&file, KnownHostFileKind::OpenSSH)
                .map_err(|e| ssh_error(format!("cannot write {}: {e}", file.display())))
        }
        CheckResult::NotFound => Err(ssh_error(format!(
            "the host key of {shown} ({fingerprint}) is not known: check it and add it to {} \
             (ssh-keyscan -p {} {} >> {}), or use known_hosts_verify=auto",
            file.display(),
            hop.port(),
            hop.host(),
            file.display()
        ))),
        CheckResult::Failure => Err(ssh_error(format!("cannot check the host key of {shown}"))),
    }
}

/// The most of a known hosts file read.
const KNOWN_HOSTS_CAP: usize = 64 << 20;

/// A known hosts file's entries, line by line (one that is not there has none; lines libssh2
/// cannot take, such as `@cert-authority` ones, are passed over as ssh passes over what it
/// does not know).
fn read_known_hosts(known: &mut ssh2::KnownHosts, file: &Path) -> Result<()> {
    let bytes = match crate::sys::read_capped(file, KNOWN_HOSTS_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::system(format!("cannot read {}", file.display()), &e)),
    };
    for line in bytes.split(|b| *b == b'\n') {
        if let Ok(line) = std::str::from_utf8(line) {
            let _ = known.read_str(line, KnownHostFileKind::OpenSSH);
        }
    }
    Ok(())
}

/// Authentication by the agent: the one `IdentityAgent` names (a socket path, or an
/// environment variable as `$NAME`), else `SSH_AUTH_SOCK`'s.
fn agent_auth(session: &Session, hop: &Hop) -> bool {
    let Ok(mut agent) = session.agent() else {
        return false;
    };
    let socket = match hop.cfg.identity_agent.as_deref() {
        None | Some(b"SSH_AUTH_SOCK") => None,
        Some([b'$', var @ ..]) => {
            std::env::var_os(std::ffi::OsStr::from_bytes(var)).map(PathBuf::from)
        }
        Some(p) => Some(path(p)),
    };
    if let Some(socket) = socket {
        if agent.set_identity_path(&socket).is_err() {
            return false;
        }
    }
    if agent.connect().is_err() || agent.list_identities().is_err() {
        return false;
    }
    let ids = agent.identities().unwrap_or_default();
    let accepted = ids
        .iter()
        .any(|id| agent.userauth(hop.user(), id).is_ok() && session.authenticated());
    let _ = agent.disconnect();
    accepted
}

/// The key files to try: the URI's `keyfile`, else the configuration's `IdentityFile`s (ssh's
/// default ones when it names none), expanded as ssh expands them once connected.
fn key_files(hop: &Hop, uri: Option<&Uri>) -> Result<Vec<PathBuf>> {
    match uri.and_then(|u| u.param("keyfile")) {
        Some(k) => Ok(vec![PathBuf::from(k)]),
        None => hop.cfg.identity_paths().map_err(config_error),
    }
}

/// The agent (unless `IdentitiesOnly`, `IdentityAgent none` or a `keyfile` in the URI), then
/// the key files.
fn authenticate(session: &Session, hop: &Hop, uri: Option<&Uri>, keys: &[PathBuf]) -> Result<()> {
    let keyfile = uri.and_then(|u| u.param("keyfile"));
    let agent = keyfile.is_none()
        && !hop.cfg.identities_only
        && hop.cfg.identity_agent.as_deref() != Some(b"none");
    if agent && agent_auth(session, hop) {
        return Ok(());
    }
    // Regular files only: libssh2 would wait on a FIFO for ever.
    for key in keys.iter().filter(|k| k.is_file()) {
        if session
            .userauth_pubkey_file(hop.user(), None, key, None)
            .is_ok()
            && session.authenticated()
        {
            return Ok(());
        }
    }
    Err(ssh_error(format!(
        "authentication failed: no agent identity and no key ({}) is accepted for user '{}' at {}",
        keys.iter()
            .map(|k| k.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        hop.user(),
        hop.host()
    )))
}

/// What a session runs over: its descriptor, one more of the same for polling, and the
/// `ProxyCommand` serving it (hung up on when the link goes).
struct Link {
    fd: OwnedFd,
    poll: OwnedFd,
    proxy: Option<Proxy>,
}

impl Link {
    fn new(fd: OwnedFd, proxy: Option<Proxy>) -> Result<Link> {
        let poll = fd.try_clone().map_err(|e| Error::system("dup", &e))?;
        Ok(Link { fd, poll, proxy })
    }
}

/// A TCP connection to the hop, bounded by its timeout.
fn tcp_link(hop: &Hop, timeout: Duration) -> Result<Link> {
    let cannot = |why: String| {
        Error::new(
            ErrorCode::SystemError,
            format!("Cannot connect to {}:{}: {why}", hop.host(), hop.port()),
        )
    };
    let addrs: Vec<_> = (hop.host(), hop.port())
        .to_socket_addrs()
        .map_err(|e| cannot(e.to_string()))?
        .collect();
    let mut last = String::from("no address");
    let tcp = addrs
        .iter()
        .find_map(|a| match TcpStream::connect_timeout(a, timeout) {
            Ok(s) => Some(s),
            Err(e) => {
                last = crate::sys::strerror(&e);
                None
            }
        })
        .ok_or_else(|| cannot(last))?;
    // RPC calls are small messages that wait for their answers: Nagle's delay would hold
    // each one back until the previous was acknowledged.
    let _ = tcp.set_nodelay(true);
    Link::new(OwnedFd::from(tcp), None)
}

/// A session on `hop` over `link`: handshake, host key, authentication, each bounded by the
/// connection's timeout.
fn session_on(hop: &Hop, link: &Link, uri: Option<&Uri>) -> Result<Session> {
    // As ssh, the identity files are expanded once connected, before the handshake.
    let keys = key_files(hop, uri)?;
    let timeout = hop.timeout(uri);
    let mut session = Session::new().map_err(ssh_error)?;
    let fd = link.fd.try_clone().map_err(|e| Error::system("dup", &e))?;
    session.set_tcp_stream(fd);
    session.set_timeout(timeout.as_millis().try_into().unwrap_or(u32::MAX));
    session.handshake().map_err(|e| {
        Error::new(
            ErrorCode::SystemError,
            format!(
                "Cannot connect to {}:{}: ssh handshake failed: {e}",
                hop.host(),
                hop.port()
            ),
        )
    })?;
    verify_host(&session, hop, uri)?;
    authenticate(&session, hop, uri, &keys)?;
    if hop.cfg.server_alive_interval > 0 {
        session.set_keepalive(
            true,
            hop.cfg.server_alive_interval.try_into().unwrap_or(u32::MAX),
        );
    }
    Ok(session)
}

/// A `ProxyJump` entry: `[user@]host[:port]` (an address in brackets), or
/// `ssh://[user@]host[:port]`.
fn jump_hop(spec: &str, limit: Duration) -> Result<Hop> {
    let spec = spec.strip_prefix("ssh://").unwrap_or(spec);
    let (user, rest) = match spec.rsplit_once('@') {
        Some((u, r)) => (Some(u), r),
        None => (None, spec),
    };
    let (host, port) = match rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((h, after)) => (h, after.strip_prefix(':')),
        None => match rest.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            _ => (rest, None),
        },
    };
    Hop::resolve(host, user, port.and_then(|p| p.parse().ok()), limit)
}

/// The connection to `hop`: through its `ProxyJump` chain (each jump's own configuration
/// applies, its host key checked as a fresh connection's), its `ProxyCommand`, or TCP.
fn link_to(hop: &Hop, uri: Option<&Uri>, depth: u32) -> Result<Link> {
    let Some(jump) = hop.cfg.proxy_jump.as_deref() else {
        return match hop.cfg.proxy_command().map_err(config_error)? {
            Some(command) => {
                let (proxy, ours) = Proxy::start(&command)?;
                Link::new(OwnedFd::from(ours), Some(proxy))
            }
            None => tcp_link(hop, hop.timeout(uri)),
        };
    };
    if depth > 8 {
        return Err(ssh_error(format!(
            "too many ProxyJump hops to {}",
            hop.host()
        )));
    }
    let limit = hop.timeout(uri);
    let mut hops: Vec<Hop> = jump
        .split(',')
        .map(|j| jump_hop(j, limit))
        .collect::<Result<_>>()?;
    // The first jump is reached as ssh would reach it (its own jumps or command too).
    let first = hops.remove(0);
    let mut link = link_to(&first, None, depth + 1)?;
    let mut via = first;
    for next in hops.into_iter().chain(std::iter::once(hop.clone_target())) {
        let session = session_on(&via, &link, None)?;
        let channel = session
            .channel_direct_tcpip(next.host(), next.port(), None)
            .map_err(|e| {
                ssh_error(format!(
                    "cannot reach {}:{} through {}: {e}",
                    next.host(),
                    next.port(),
                    via.host()
                ))
            })?;
        let (ours, theirs) = UnixStream::pair().map_err(|e| Error::system("socketpair", &e))?;
        let Link { poll, proxy, .. } = link;
        std::thread::spawn(move || {
            pump(session, poll, Relay::new(channel, theirs), None);
            drop(proxy);
        });
        link = Link::new(OwnedFd::from(ours), None)?;
        via = next;
    }
    Ok(link)
}

impl Hop {
    /// The hop as a jump's destination (its own jumps are the chain being built).
    fn clone_target(&self) -> Hop {
        let mut cfg = self.cfg.clone();
        cfg.proxy_jump = None;
        cfg.proxy_command = None;
        Hop { cfg }
    }
}

/// An ssh session to the URI's host, verified and authenticated as a fresh connection is.
pub struct Opened {
    pub session: Session,
    /// The session's socket, for polling.
    pub net: OwnedFd,
    /// The `ProxyCommand` the session runs over, if any: hung up on when it goes.
    pub proxy: Option<Proxy>,
    /// `ServerAliveInterval`, when set.
    pub interval: Option<Duration>,
    /// How long the server may stay silent despite keepalives (`ServerAliveInterval` times
    /// one more than `ServerAliveCountMax`), when set.
    pub silence: Option<Duration>,
    host: String,
}

impl Opened {
    pub fn open(uri: &Uri) -> Result<Opened> {
        let target = target(uri)?;
        let link = link_to(&target, Some(uri), 0)?;
        let session = session_on(&target, &link, Some(uri))?;
        // As OpenSSH: the connection goes when `ServerAliveCountMax` keepalives in a row went
        // unanswered and the next is due.
        let interval = Some(target.cfg.server_alive_interval)
            .filter(|i| *i > 0)
            .map(Duration::from_secs);
        let count = target.cfg.server_alive_count_max;
        let silence = interval.map(|i| i.saturating_mul(count.saturating_add(1)));
        Ok(Opened {
            session,
            net: link.poll,
            proxy: link.proxy,
            interval,
            silence,
            host: target.cfg.host_name,
        })
    }

    /// A channel running what relays to the daemon (the session must be blocking).
    pub fn relay_channel(&self, uri: &Uri, name: &str, readonly: bool) -> Result<ssh2::Channel> {
        let mut channel = self.session.channel_session().map_err(ssh_error)?;
        channel
            .exec(&remote_command(uri, name, readonly))
            .map_err(|e| ssh_error(format!("cannot run the relay on {}: {e}", self.host)))?;
        Ok(channel)
    }
}

impl Opened {
    /// A channel that sshd connects to the daemon socket `path` itself
    /// (`direct-streamlocal`): no program starts, so it is ready in one round trip.
    pub fn socket_channel(&self, path: &str) -> Result<ssh2::Channel> {
        self.session
            .channel_direct_streamlocal(path, None)
            .map_err(|e| ssh_error(format!("cannot reach {path} on {}: {e}", self.host)))
    }
}

/// The URI's host as ssh reaches it.
fn target(uri: &Uri) -> Result<Hop> {
    Hop::resolve(
        uri.host.as_deref().unwrap_or("localhost"),
        uri.user.as_deref(),
        uri.port,
        super::connect_limit(uri),
    )
}

/// Everything that decides where a connection to the URI goes and as whom (the resolved ssh
/// configuration, the home it came from): a warm connection is only shared by URIs that
/// agree on all of it. None when the configuration is refused.
pub fn destination(uri: &Uri) -> Option<String> {
    let t = target(uri).ok()?;
    Some(format!("{}\n{}\n{:?}", uri, home().display(), t.cfg))
}

/// Connects, verifies, authenticates, starts the remote relay; returns our end of the pipe.
pub fn connect(uri: &Uri, name: &str, readonly: bool) -> Result<UnixStream> {
    let opened = Opened::open(uri)?;
    let channel = opened.relay_channel(uri, name, readonly)?;
    opened.session.set_timeout(0);
    let (ours, theirs) = UnixStream::pair().map_err(|e| Error::system("socketpair", &e))?;
    let Opened {
        session,
        net,
        proxy,
        silence,
        ..
    } = opened;
    std::thread::spawn(move || {
        pump(session, net, Relay::new(channel, theirs), silence);
        drop(proxy);
    });
    Ok(ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_commands() {
        let uri = Uri::parse("qemu+ssh://h/system").unwrap();
        assert_eq!(
            remote_command(&uri, "qemu:///system", false),
            "sh -c 'if which virt-ssh-helper >/dev/null 2>&1; then exec virt-ssh-helper '\\''qemu:///system'\\''; else exec '\\''nc'\\'' -U '\\''/run/libvirt/libvirt-sock'\\''; fi'"
        );
        let uri = Uri::parse("qemu+ssh://h/system?netcat=ncat&socket=/s").unwrap();
        assert_eq!(
            remote_command(&uri, "x", true),
            "sh -c 'exec '\\''ncat'\\'' -U '\\''/s'\\'''"
        );
        // A socket named alone is reached with netcat, never through the helper (which
        // would pick its own).
        let uri = Uri::parse("qemu+ssh://h/system?socket=/s").unwrap();
        assert_eq!(
            remote_command(&uri, "x", false),
            "sh -c 'exec '\\''nc'\\'' -U '\\''/s'\\'''"
        );
        let uri = Uri::parse("qemu+ssh://h/system?proxy=native").unwrap();
        assert!(remote_command(&uri, "x", false).starts_with("sh -c 'exec virt-ssh-helper "));
    }
}
