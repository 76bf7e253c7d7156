//! The ssh transport (`qemu+ssh://`, `qemu+libssh2://`, `qemu+libssh://`), in process with the ssh2 crate: the
//! server's key checked against `known_hosts`, the agent or a key file for authentication, and
//! on the remote host what virsh runs there (`virt-ssh-helper`, else `nc -U` on the daemon
//! socket). A pump thread moves bytes between the ssh channel and a socket pair (`relay.rs`), so
//! the RPC client reads and writes on plain file descriptors.

use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use ssh2::{CheckResult, HashType, KnownHostFileKind, Session};

use super::relay::{pump, Relay};
use super::ssh_config::{self, HostConfig, Sources, Tokens};
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
    /// The name given (an alias, maybe).
    original: String,
    /// Where to connect (`HostName`, else the name).
    host: String,
    port: u16,
    user: String,
    cfg: HostConfig,
    home: PathBuf,
    local_user: String,
}

impl Hop {
    /// `name` as ssh would reach it: the configuration's `HostName`, `Port`, `User`, unless
    /// given here (the URI's, or a jump's `user@host:port`), as libvirt lets the URI win.
    fn resolve(name: &str, user: Option<&str>, port: Option<u16>) -> Hop {
        let local = local_user();
        let cfg = ssh_config::resolve(name, &Sources::standard(&home(), &local));
        let user = user
            .map(String::from)
            .or_else(|| cfg.user.clone())
            .unwrap_or_else(|| local.clone());
        let port = port.or(cfg.port).unwrap_or(22);
        let mut hop = Hop {
            original: name.to_string(),
            host: name.to_string(),
            port,
            user,
            cfg,
            home: home(),
            local_user: local,
        };
        if let Some(h) = hop.cfg.host_name.clone() {
            hop.host = hop.tokens().expand(&h);
        }
        hop
    }

    fn tokens(&self) -> Tokens<'_> {
        Tokens {
            home: &self.home,
            local_user: &self.local_user,
            remote_user: &self.user,
            host: &self.host,
            original: &self.original,
            port: self.port,
        }
    }

    fn expand(&self, text: &str) -> String {
        self.tokens().expand(text)
    }

    /// The name the host key is looked up under, as OpenSSH names it: `HostKeyAlias` as it
    /// is, else the host, as `[host]:port` for a port other than 22. Also the port to look up
    /// (22: none).
    fn key_name(&self) -> (String, u16) {
        match &self.cfg.host_key_alias {
            Some(alias) => (alias.clone(), 22),
            None if self.port == 22 => (self.host.clone(), 22),
            None => (format!("[{}]:{}", self.host, self.port), self.port),
        }
    }

    fn timeout(&self, uri: Option<&Uri>) -> Duration {
        let from_uri = uri.and_then(|u| u.param("connect_timeout")?.parse().ok());
        Duration::from_secs(from_uri.or(self.cfg.connect_timeout).unwrap_or(20))
    }
}

fn local_user() -> String {
    account()
        .map(|u| u.name)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "root".into())
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
        match hop
            .cfg
            .strict_host_key_checking
            .as_deref()
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("accept-new" | "no" | "off") => "auto",
            _ => "normal",
        }
        .to_string()
    });
    if policy == "ignore" {
        return Ok(());
    }
    let user_files: Vec<PathBuf> = match uri.and_then(|u| u.param("known_hosts")) {
        Some(f) => vec![PathBuf::from(f)],
        None => match &hop.cfg.user_known_hosts {
            Some(list) => list.iter().map(|f| PathBuf::from(hop.expand(f))).collect(),
            None => vec![
                home().join(".ssh/known_hosts"),
                home().join(".ssh/known_hosts2"),
            ],
        },
    };
    let global_files: Vec<PathBuf> = match &hop.cfg.global_known_hosts {
        Some(list) => list.iter().map(|f| PathBuf::from(hop.expand(f))).collect(),
        None => vec![
            PathBuf::from("/etc/ssh/ssh_known_hosts"),
            PathBuf::from("/etc/ssh/ssh_known_hosts2"),
        ],
    };
    let (key, kind) = session
        .host_key()
        .ok_or_else(|| ssh_error(format!("{}: the server sent no host key", hop.host)))?;
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
    for f in user_files
        .iter()
        .chain(&global_files)
        .filter(|f| f.exists())
    {
        known
            .read_file(f, KnownHostFileKind::OpenSSH)
            .map_err(|e| ssh_error(format!("cannot read {}: {e}", f.display())))?;
    }
    let (shown, port) = hop.key_name();
    let file = user_files.first().cloned().unwrap_or_default();
    let checked = match &hop.cfg.host_key_alias {
        Some(alias) => known.check(alias, key),
        None => known.check_port(&hop.host, port, key),
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
            if file.exists() {
                mine.read_file(&file, KnownHostFileKind::OpenSSH)
                    .map_err(|e| ssh_error(format!("cannot read {}: {e}", file.display())))?;
            }
            mine.add(&shown, key, "added by virtsh", kind.into())
                .map_err(|e| ssh_error(format!("known_hosts: {e}")))?;
            mine.write_file(&file, KnownHostFileKind::OpenSSH)
                .map_err(|e| ssh_error(format!("cannot write {}: {e}", file.display())))
        }
        CheckResult::NotFound => Err(ssh_error(format!(
            "the host key of {shown} ({fingerprint}) is not known: check it and add it to {} \
             (ssh-keyscan -p {} {} >> {}), or use known_hosts_verify=auto",
            file.display(),
            hop.port,
            hop.host,
            file.display()
        ))),
        CheckResult::Failure => Err(ssh_error(format!("cannot check the host key of {shown}"))),
    }
}

/// Authentication by the agent: the one `IdentityAgent` names (a socket path, or an
/// environment variable as `$NAME`), else `SSH_AUTH_SOCK`'s.
fn agent_auth(session: &Session, hop: &Hop) -> bool {
    let Ok(mut agent) = session.agent() else {
        return false;
    };
    let socket = match hop.cfg.identity_agent.as_deref() {
        None | Some("SSH_AUTH_SOCK") => None,
        Some(var) if var.starts_with('$') => std::env::var_os(&var[1..]).map(PathBuf::from),
        Some(path) => Some(PathBuf::from(hop.expand(path))),
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
        .any(|id| agent.userauth(&hop.user, id).is_ok() && session.authenticated());
    let _ = agent.disconnect();
    accepted
}

/// The agent (unless `IdentitiesOnly` or `IdentityAgent none`), then the key files: the URI's
/// `keyfile`, else the configuration's `IdentityFile`s, else ssh's default ones.
fn authenticate(session: &Session, hop: &Hop, uri: Option<&Uri>) -> Result<()> {
    let keyfile = uri.and_then(|u| u.param("keyfile"));
    let agent = keyfile.is_none()
        && hop.cfg.identities_only != Some(true)
        && hop.cfg.identity_agent.as_deref() != Some("none");
    if agent && agent_auth(session, hop) {
        return Ok(());
    }
    let keys: Vec<PathBuf> = match keyfile {
        Some(k) => vec![PathBuf::from(k)],
        None if !hop.cfg.identity_files.is_empty() => hop
            .cfg
            .identity_files
            .iter()
            .map(|f| PathBuf::from(hop.expand(f)))
            .collect(),
        None => ["id_ed25519", "id_ecdsa", "id_rsa"]
            .iter()
            .map(|k| home().join(".ssh").join(k))
            .collect(),
    };
    for key in keys.iter().filter(|k| k.exists()) {
        if session
            .userauth_pubkey_file(&hop.user, None, key, None)
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
        hop.user,
        hop.host
    )))
}

/// What a session runs over: its descriptor, and one more of the same for polling.
struct Link {
    fd: OwnedFd,
    poll: OwnedFd,
}

impl Link {
    fn new(fd: OwnedFd) -> Result<Link> {
        let poll = fd.try_clone().map_err(|e| Error::system("dup", &e))?;
        Ok(Link { fd, poll })
    }
}

/// A TCP connection to the hop, bounded by its timeout.
fn tcp_link(hop: &Hop, timeout: Duration) -> Result<Link> {
    let cannot = |why: String| {
        Error::new(
            ErrorCode::SystemError,
            format!("Cannot connect to {}:{}: {why}", hop.host, hop.port),
        )
    };
    let addrs: Vec<_> = (hop.host.as_str(), hop.port)
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
    Link::new(OwnedFd::from(tcp))
}

/// `ProxyCommand`: the command's stdin and stdout are the connection.
fn command_link(hop: &Hop, command: &str) -> Result<Link> {
    let (ours, theirs) = UnixStream::pair().map_err(|e| Error::system("socketpair", &e))?;
    let theirs_out = theirs
        .try_clone()
        .map_err(|e| Error::system("socketpair", &e))?;
    let line = hop.expand(command);
    let child = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec {line}"))
        .env_remove(super::keeper::KEEPER_ENV)
        .stdin(OwnedFd::from(theirs))
        .stdout(OwnedFd::from(theirs_out))
        .spawn()
        .map_err(|e| Error::system(format!("cannot run the ProxyCommand '{line}'"), &e))?;
    // Reaped when it ends (the connection closed).
    std::thread::spawn(move || {
        let mut child = child;
        child.wait()
    });
    Link::new(OwnedFd::from(ours))
}

/// A session on `hop` over `link`: handshake, host key, authentication.
fn session_on(hop: &Hop, link: &Link, uri: Option<&Uri>) -> Result<Session> {
    let timeout = hop.timeout(uri);
    let mut session = Session::new().map_err(ssh_error)?;
    let fd = link.fd.try_clone().map_err(|e| Error::system("dup", &e))?;
    session.set_tcp_stream(fd);
    session.set_timeout(timeout.as_millis() as u32);
    session.handshake().map_err(|e| {
        Error::new(
            ErrorCode::SystemError,
            format!(
                "Cannot connect to {}:{}: ssh handshake failed: {e}",
                hop.host, hop.port
            ),
        )
    })?;
    verify_host(&session, hop, uri)?;
    authenticate(&session, hop, uri)?;
    if let Some(i) = hop.cfg.server_alive_interval.filter(|i| *i > 0) {
        session.set_keepalive(true, i as u32);
    }
    Ok(session)
}

/// A `ProxyJump` entry: `[user@]host[:port]`, or `ssh://[user@]host[:port]`.
fn jump_hop(spec: &str) -> Hop {
    let spec = spec.strip_prefix("ssh://").unwrap_or(spec);
    let (user, rest) = match spec.rsplit_once('@') {
        Some((u, r)) => (Some(u), r),
        None => (None, spec),
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, p.parse().ok()),
        _ => (rest, None),
    };
    Hop::resolve(host, user, port)
}

/// The connection to `hop`: through its `ProxyJump` chain (each jump's own configuration
/// applies, its host key checked as a fresh connection's), its `ProxyCommand`, or TCP.
fn link_to(hop: &Hop, uri: Option<&Uri>, depth: u32) -> Result<Link> {
    let jump = hop.cfg.proxy_jump.as_deref().filter(|j| *j != "none");
    let command = hop.cfg.proxy_command.as_deref().filter(|c| *c != "none");
    let Some(jump) = jump else {
        return match command {
            Some(c) => command_link(hop, c),
            None => tcp_link(hop, hop.timeout(uri)),
        };
    };
    if depth > 8 {
        return Err(ssh_error(format!(
            "too many ProxyJump hops to {}",
            hop.host
        )));
    }
    let mut hops: Vec<Hop> = jump.split(',').map(jump_hop).collect();
    // The first jump is reached as ssh would reach it (its own jumps or command too).
    let first = hops.remove(0);
    let mut link = link_to(&first, None, depth + 1)?;
    let mut via = first;
    for next in hops.into_iter().chain(std::iter::once(hop.clone_target())) {
        let session = session_on(&via, &link, None)?;
        let channel = session
            .channel_direct_tcpip(&next.host, next.port, None)
            .map_err(|e| {
                ssh_error(format!(
                    "cannot reach {}:{} through {}: {e}",
                    next.host, next.port, via.host
                ))
            })?;
        let (ours, theirs) = UnixStream::pair().map_err(|e| Error::system("socketpair", &e))?;
        let poll = link.poll;
        std::thread::spawn(move || pump(session, poll, Relay::new(channel, theirs), None));
        link = Link::new(OwnedFd::from(ours))?;
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
        Hop {
            original: self.original.clone(),
            host: self.host.clone(),
            port: self.port,
            user: self.user.clone(),
            cfg,
            home: self.home.clone(),
            local_user: self.local_user.clone(),
        }
    }
}

/// An ssh session to the URI's host, verified and authenticated as a fresh connection is.
pub struct Opened {
    pub session: Session,
    /// The session's socket, for polling.
    pub net: OwnedFd,
    /// `ServerAliveInterval`, when set.
    pub interval: Option<Duration>,
    /// How long the server may stay silent despite keepalives (`ServerAliveInterval` times
    /// one more than `ServerAliveCountMax`), when set.
    pub silence: Option<Duration>,
    host: String,
}

impl Opened {
    pub fn open(uri: &Uri) -> Result<Opened> {
        let target = target(uri);
        let link = link_to(&target, Some(uri), 0)?;
        let session = session_on(&target, &link, Some(uri))?;
        // As OpenSSH: the connection goes when `ServerAliveCountMax` keepalives in a row went
        // unanswered and the next is due.
        let interval = target
            .cfg
            .server_alive_interval
            .filter(|i| *i > 0)
            .map(Duration::from_secs);
        let count = target.cfg.server_alive_count_max.unwrap_or(3);
        let silence = interval.map(|i| i.saturating_mul(count.saturating_add(1)));
        Ok(Opened {
            session,
            net: link.poll,
            interval,
            silence,
            host: target.host,
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
fn target(uri: &Uri) -> Hop {
    Hop::resolve(
        uri.host.as_deref().unwrap_or("localhost"),
        uri.user.as_deref(),
        uri.port,
    )
}

/// Everything that decides where a connection to the URI goes and as whom (the resolved ssh
/// configuration, the home it came from): a warm connection is only shared by URIs that
/// agree on all of it.
pub fn destination(uri: &Uri) -> String {
    let t = target(uri);
    format!(
        "{}\n{}@{}:{}\n{}\n{:?}",
        uri,
        t.user,
        t.host,
        t.port,
        t.home.display(),
        t.cfg
    )
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
        silence,
        ..
    } = opened;
    std::thread::spawn(move || pump(session, net, Relay::new(channel, theirs), silence));
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
