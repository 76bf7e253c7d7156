//! The ssh transport (`qemu+ssh://`, `qemu+libssh2://`, `qemu+libssh://`), in process with the ssh2 crate: the
//! server's key checked against `known_hosts`, the agent or a key file for authentication, and
//! on the remote host what virsh runs there (`virt-ssh-helper`, else `nc -U` on the daemon
//! socket). A pump thread moves bytes between the ssh channel and a socket pair (`relay.rs`), so
//! the RPC client reads and writes on plain file descriptors.

use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use ssh2::Session;

use super::known_hosts;
use super::proxy::Proxy;
use super::relay::{pump, Relay};
use super::ssh_config::{self, ConfigError, Family, Given, HostConfig, Sources};
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::uri::Uri;

pub(super) fn ssh_error(what: impl std::fmt::Display) -> Error {
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

/// One hop of a connection: what the URI and the ssh configuration make of the destination.
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
    /// win over. A setting virtsh cannot honour is refused.
    fn resolve(
        name: &str,
        user: Option<&str>,
        port: Option<u16>,
        deadline: &Deadline,
    ) -> Result<Hop> {
        let sources = Sources::standard(&home(), &local_user(), deadline.left());
        let cfg =
            ssh_config::resolve(name, Given { user, port }, &sources).map_err(config_error)?;
        if let Some(what) = &cfg.unhonoured {
            return Err(Error::unsupported(what));
        }
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
}

fn local_user() -> String {
    account()
        .map(|u| u.name)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "root".into())
}

pub(super) fn path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

/// The agent `IdentityAgent` names, as ssh finds it.
#[derive(Debug, PartialEq)]
enum AgentSocket {
    /// `SSH_AUTH_SOCK`'s (libssh2's own choice).
    Default,
    Path(PathBuf),
    /// `none`, or `$NAME` with `NAME` unset: no agent at all, as ssh has none then.
    None,
}

fn agent_socket(identity_agent: Option<&[u8]>) -> AgentSocket {
    match identity_agent {
        None | Some(b"SSH_AUTH_SOCK") => AgentSocket::Default,
        Some(b"none") => AgentSocket::None,
        Some([b'$', var @ ..]) => match std::env::var_os(std::ffi::OsStr::from_bytes(var)) {
            Some(socket) => AgentSocket::Path(PathBuf::from(socket)),
            None => AgentSocket::None,
        },
        Some(p) => AgentSocket::Path(path(p)),
    }
}

/// Authentication by the agent `IdentityAgent` names (a socket path, an environment variable
/// as `$NAME`), else `SSH_AUTH_SOCK`'s.
fn agent_auth(session: &Session, hop: &Hop) -> bool {
    let socket = match agent_socket(hop.cfg.identity_agent.as_deref()) {
        AgentSocket::None => return false,
        AgentSocket::Default => None,
        AgentSocket::Path(p) => Some(p),
    };
    let Ok(mut agent) = session.agent() else {
        return false;
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

/// The agent (unless `IdentitiesOnly`, a `keyfile` in the URI, or no agent), then the key
/// files.
fn authenticate(session: &Session, hop: &Hop, uri: Option<&Uri>, keys: &[PathBuf]) -> Result<()> {
    let keyfile = uri.and_then(|u| u.param("keyfile"));
    let agent = keyfile.is_none() && !hop.cfg.identities_only;
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

/// A TCP connection to the hop (to its addresses of the `AddressFamily` asked for), made no
/// later than `deadline`.
fn tcp_link(hop: &Hop, deadline: &Deadline) -> Result<Link> {
    let cannot = |why: String| {
        Error::new(
            ErrorCode::SystemError,
            format!("Cannot connect to {}:{}: {why}", hop.host(), hop.port()),
        )
    };
    let family = hop.cfg.address_family;
    let addrs: Vec<_> = (hop.host(), hop.port())
        .to_socket_addrs()
        .map_err(|e| cannot(e.to_string()))?
        .filter(|a| match family {
            Family::Any => true,
            Family::Inet => a.is_ipv4(),
            Family::Inet6 => a.is_ipv6(),
        })
        .collect();
    let timed_out = || crate::sys::strerror(&std::io::Error::from_raw_os_error(libc::ETIMEDOUT));
    let mut last = String::from("no address");
    let mut tcp = None;
    for a in &addrs {
        let left = deadline.left();
        if left.is_zero() {
            last = timed_out();
            break;
        }
        match TcpStream::connect_timeout(a, left) {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => last = timed_out(),
            Err(e) => last = crate::sys::strerror(&e),
        }
    }
    let tcp = tcp.ok_or_else(|| cannot(last))?;
    // RPC calls are small messages that wait for their answers: Nagle's delay would hold
    // each one back until the previous was acknowledged.
    let _ = tcp.set_nodelay(true);
    Link::new(OwnedFd::from(tcp), None)
}

/// What is left of `deadline` as libssh2's timeout for the calls that follow (at least a
/// millisecond: zero would be none).
fn bound(session: &Session, deadline: &Deadline) {
    let ms = deadline.left().as_millis().clamp(1, u128::from(u32::MAX));
    session.set_timeout(u32::try_from(ms).unwrap_or(u32::MAX));
}

/// A session on `hop` over `link`: handshake, host key, authentication, no later than
/// `deadline`.
fn session_on(hop: &Hop, link: &Link, uri: Option<&Uri>, deadline: &Deadline) -> Result<Session> {
    // As ssh, the identity files are expanded once connected, before the handshake.
    let keys = key_files(hop, uri)?;
    let mut session = Session::new().map_err(ssh_error)?;
    let fd = link.fd.try_clone().map_err(|e| Error::system("dup", &e))?;
    session.set_tcp_stream(fd);
    bound(&session, deadline);
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
    known_hosts::verify(&session, &hop.cfg, uri)?;
    bound(&session, deadline);
    authenticate(&session, hop, uri, &keys)?;
    if hop.cfg.server_alive_interval > 0 {
        session.set_keepalive(
            true,
            hop.cfg.server_alive_interval.try_into().unwrap_or(u32::MAX),
        );
    }
    Ok(session)
}

/// The connection to `hop`: through its `ProxyJump` chain (each jump's own configuration
/// applies, its host key checked as a fresh connection's), its `ProxyCommand`, or TCP; no
/// later than `deadline`.
fn link_to(hop: &Hop, depth: u32, deadline: &Deadline) -> Result<Link> {
    if hop.cfg.jump_hops.is_empty() {
        return match hop.cfg.proxy_command().map_err(config_error)? {
            Some(command) => {
                let (proxy, ours) = Proxy::start(&command)?;
                Link::new(OwnedFd::from(ours), Some(proxy))
            }
            None => tcp_link(hop, deadline),
        };
    }
    if depth > 8 {
        return Err(ssh_error(format!(
            "too many ProxyJump hops to {}",
            hop.host()
        )));
    }
    let mut hops = Vec::new();
    for j in &hop.cfg.jump_hops {
        hops.push(Hop::resolve(&j.host, j.user.as_deref(), j.port, deadline)?);
    }
    // The first jump is reached as ssh would reach it (its own jumps or command too).
    let first = hops.remove(0);
    let mut link = link_to(&first, depth + 1, deadline)?;
    let mut via = first;
    for next in hops.into_iter().chain(std::iter::once(hop.clone_target())) {
        let session = session_on(&via, &link, None, deadline)?;
        bound(&session, deadline);
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
        std::thread::Builder::new()
            .spawn(move || {
                pump(session, poll, Relay::new(channel, theirs), None);
                drop(proxy);
            })
            .map_err(|e| Error::system("cannot start the ProxyJump relay", &e))?;
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
        cfg.jump_hops.clear();
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
    /// Connects no later than `deadline` (which the configuration's `ConnectTimeout` sets when
    /// the URI has no `connect_timeout`); the session's calls stay bounded by what is left of
    /// it.
    pub fn open(uri: &Uri, deadline: &mut Deadline) -> Result<Opened> {
        let target = target(uri, deadline)?;
        let link = link_to(&target, 0, deadline)?;
        let session = session_on(&target, &link, Some(uri), deadline)?;
        bound(&session, deadline);
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

/// The URI's host as ssh reaches it. Without a `connect_timeout` in the URI, the
/// configuration's `ConnectTimeout` bounds the connection instead of the default.
fn target(uri: &Uri, deadline: &mut Deadline) -> Result<Hop> {
    let hop = Hop::resolve(
        uri.host.as_deref().unwrap_or("localhost"),
        uri.user.as_deref(),
        uri.port,
        deadline,
    )?;
    let configured = hop.cfg.connect_timeout.filter(|t| *t > 0);
    if let (None, Some(seconds)) = (super::given_connect_timeout(uri)?, configured) {
        deadline.set_limit(Duration::from_secs(seconds.min(super::CONNECT_TIMEOUT_MAX)));
    }
    Ok(hop)
}

/// Everything that decides where a connection to the URI goes and as whom (the resolved ssh
/// configuration, the home it came from): a warm connection is only shared by URIs that
/// agree on all of it. None when the configuration is refused.
pub fn destination(uri: &Uri, deadline: &mut Deadline) -> Option<String> {
    let t = target(uri, deadline).ok()?;
    Some(format!("{}\n{}\n{:?}", uri, home().display(), t.cfg))
}

/// Connects, verifies, authenticates, starts the remote relay, no later than `deadline`;
/// returns our end of the pipe.
pub fn connect(
    uri: &Uri,
    name: &str,
    readonly: bool,
    deadline: &mut Deadline,
) -> Result<UnixStream> {
    let opened = Opened::open(uri, deadline)?;
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
    std::thread::Builder::new()
        .spawn(move || {
            pump(session, net, Relay::new(channel, theirs), silence);
            drop(proxy);
        })
        .map_err(|e| Error::system("cannot start the ssh relay", &e))?;
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

    #[test]
    fn identity_agents_as_ssh_finds_them() {
        assert_eq!(agent_socket(None), AgentSocket::Default);
        assert_eq!(agent_socket(Some(b"SSH_AUTH_SOCK")), AgentSocket::Default);
        assert_eq!(agent_socket(Some(b"none")), AgentSocket::None);
        assert_eq!(
            agent_socket(Some(b"/run/a.sock")),
            AgentSocket::Path("/run/a.sock".into())
        );
        // A variable that is not set: no agent, not SSH_AUTH_SOCK's.
        assert_eq!(
            agent_socket(Some(b"$VIRTSH_NO_SUCH_AGENT_VARIABLE")),
            AgentSocket::None
        );
        assert_eq!(
            agent_socket(Some(b"$HOME")),
            AgentSocket::Path(std::env::var_os("HOME").unwrap().into())
        );
    }
}
