//! The ssh transport (`qemu+ssh://`, `qemu+libssh2://`, `qemu+libssh://`), in process with the ssh2 crate: the
//! server's key checked against `known_hosts`, the agent or a key file for authentication, and
//! on the remote host what virsh runs there (`virt-ssh-helper`, else `nc -U` on the daemon
//! socket). A pump thread moves bytes between the ssh channel and a socket pair, so the RPC
//! client reads and writes on plain file descriptors.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use ssh2::{BlockDirections, CheckResult, HashType, KnownHostFileKind, Session};

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
    let ro = if readonly { "-ro" } else { "" };
    let socket = uri
        .param("socket")
        .map(String::from)
        .unwrap_or_else(|| format!("/run/libvirt/libvirt-sock{ro}"));
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

/// The server's key against `known_hosts`, with libvirt's `known_hosts_verify` policies.
fn verify_host(session: &Session, uri: &Uri, host: &str, port: u16) -> Result<()> {
    let policy = if uri.param("no_verify") == Some("1") {
        "ignore"
    } else {
        uri.param("known_hosts_verify").unwrap_or("normal")
    };
    if policy == "ignore" {
        return Ok(());
    }
    let file = uri
        .param("known_hosts")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".ssh/known_hosts"));
    let (key, kind) = session
        .host_key()
        .ok_or_else(|| ssh_error(format!("{host}: the server sent no host key")))?;
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
    if file.exists() {
        known
            .read_file(&file, KnownHostFileKind::OpenSSH)
            .map_err(|e| ssh_error(format!("cannot read {}: {e}", file.display())))?;
    }
    let shown = if port == 22 {
        host.to_string()
    } else {
        format!("[{host}]:{port}")
    };
    match known.check_port(host, port, key) {
        CheckResult::Match => Ok(()),
        CheckResult::Mismatch => Err(ssh_error(format!(
            "the host key of {shown} ({fingerprint}) does not match the one in {}: \
             the host changed its key or someone is in the middle; if the change is expected, \
             remove the old key with 'ssh-keygen -R {shown} -f {}'",
            file.display(),
            file.display()
        ))),
        CheckResult::NotFound if policy == "auto" => {
            known
                .add(&shown, key, "added by virtsh", kind.into())
                .map_err(|e| ssh_error(format!("known_hosts: {e}")))?;
            known
                .write_file(&file, KnownHostFileKind::OpenSSH)
                .map_err(|e| ssh_error(format!("cannot write {}: {e}", file.display())))
        }
        CheckResult::NotFound => Err(ssh_error(format!(
            "the host key of {shown} ({fingerprint}) is not known: check it and add it to {} \
             (ssh-keyscan -p {port} {host} >> {}), or use known_hosts_verify=auto",
            file.display(),
            file.display()
        ))),
        CheckResult::Failure => Err(ssh_error(format!("cannot check the host key of {shown}"))),
    }
}

fn authenticate(session: &Session, uri: &Uri, user: &str, host: &str) -> Result<()> {
    if session.userauth_agent(user).is_ok() && session.authenticated() {
        return Ok(());
    }
    let keys: Vec<PathBuf> = match uri.param("keyfile") {
        Some(k) => vec![PathBuf::from(k)],
        None => ["id_ed25519", "id_ecdsa", "id_rsa"]
            .iter()
            .map(|k| home().join(".ssh").join(k))
            .collect(),
    };
    for key in keys.iter().filter(|k| k.exists()) {
        if session.userauth_pubkey_file(user, None, key, None).is_ok() && session.authenticated() {
            return Ok(());
        }
    }
    Err(ssh_error(format!(
        "authentication failed: no agent identity and no key ({}) is accepted for user '{user}' at {host}",
        keys.iter().map(|k| k.display().to_string()).collect::<Vec<_>>().join(", ")
    )))
}

/// Connects, verifies, authenticates, starts the remote relay; returns our end of the pipe.
pub fn connect(uri: &Uri, name: &str, readonly: bool) -> Result<UnixStream> {
    let host = uri.host.clone().unwrap_or_else(|| "localhost".into());
    let port = uri.port.unwrap_or(22);
    let user = uri
        .user
        .clone()
        .or_else(|| account().map(|u| u.name))
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "root".into());
    let timeout = Duration::from_secs(
        uri.param("connect_timeout")
            .and_then(|t| t.parse().ok())
            .unwrap_or(20),
    );
    let cannot = |why: String| {
        Error::new(
            ErrorCode::SystemError,
            format!("Cannot connect to {host}:{port}: {why}"),
        )
    };
    let addrs: Vec<_> = (host.as_str(), port)
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
    tcp.set_read_timeout(Some(timeout)).ok();
    let mut session = Session::new().map_err(ssh_error)?;
    session.set_tcp_stream(tcp.try_clone().map_err(|e| cannot(e.to_string()))?);
    session.set_timeout(timeout.as_millis() as u32);
    session
        .handshake()
        .map_err(|e| cannot(format!("ssh handshake failed: {e}")))?;
    verify_host(&session, uri, &host, port)?;
    authenticate(&session, uri, &user, &host)?;
    let mut channel = session.channel_session().map_err(ssh_error)?;
    channel
        .exec(&remote_command(uri, name, readonly))
        .map_err(|e| ssh_error(format!("cannot run the relay on {host}: {e}")))?;
    tcp.set_read_timeout(None).ok();
    session.set_timeout(0);
    let (ours, theirs) = UnixStream::pair().map_err(|e| Error::system("socketpair", &e))?;
    std::thread::spawn(move || pump(session, channel, tcp, theirs));
    Ok(ours)
}

/// Moves bytes between the ssh channel and the socket pair until either side ends.
fn pump(session: Session, mut channel: ssh2::Channel, tcp: TcpStream, mut local: UnixStream) {
    session.set_blocking(false);
    let _ = local.set_nonblocking(true);
    let mut buf = vec![0u8; 64 * 1024];
    // Bytes from the client still to be written into the channel.
    let mut outgoing: Vec<u8> = Vec::new();
    loop {
        let mut progressed = false;
        match channel.read(&mut buf) {
            Ok(0) if channel.eof() => break,
            Ok(0) => {}
            Ok(n) => {
                let _ = local.set_nonblocking(false);
                if local.write_all(&buf[..n]).is_err() {
                    break;
                }
                let _ = local.set_nonblocking(true);
                progressed = true;
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(_) => break,
        }
        // The far side's stderr is drained, or it would fill the channel's window; it is not
        // shown, since virt-ssh-helper complains there on every normal close of the daemon.
        if let Ok(1..) = channel.stderr().read(&mut buf) {
            progressed = true;
        }
        if outgoing.is_empty() {
            match local.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => outgoing.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
        }
        if !outgoing.is_empty() {
            match channel.write(&outgoing) {
                Ok(n) => {
                    outgoing.drain(..n);
                    progressed = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
        }
        if !progressed {
            // Wait for what libssh2 is blocked on, and for the client only when there is
            // room to take more from it (else a pending write would spin).
            let mut net = PollFlags::POLLIN;
            if matches!(
                session.block_directions(),
                BlockDirections::Outbound | BlockDirections::Both
            ) {
                net |= PollFlags::POLLOUT;
            }
            let client = if outgoing.is_empty() {
                PollFlags::POLLIN
            } else {
                PollFlags::empty()
            };
            let mut fds = [
                PollFd::new(tcp.as_fd(), net),
                PollFd::new(local.as_fd(), client),
            ];
            let _ = poll(&mut fds, PollTimeout::from(50u16));
        }
    }
    let _ = local.shutdown(std::net::Shutdown::Both);
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
