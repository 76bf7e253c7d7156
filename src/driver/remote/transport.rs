//! Transports of the remote driver: a unix socket (libvirt's socket paths, or `socket=`), ssh
//! (`ssh.rs`), TCP and TLS (`tls.rs`), and a child process's stdin and stdout (`ext`,
//! `command=`).

use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::deadline::Deadline;
use crate::driver::VolumeSink;
use crate::error::{Error, Result};
use crate::rpc::client::Client;
use crate::rpc::procs::{VolStreamArgs, STORAGE_VOL_DOWNLOAD, STORAGE_VOL_UPLOAD};
use crate::rpc::stream::StreamWriter;
use crate::uri::{Transport, Uri};

/// The daemon socket for a local URI, as libvirt chooses it: `socket=`; the session
/// daemon's under `$XDG_RUNTIME_DIR` for `/session`; else the modular daemon's socket when it
/// exists, else libvirtd's (`-ro` for read-only).
pub fn socket_path(uri: &Uri, readonly: bool) -> PathBuf {
    if let Some(s) = uri.param("socket") {
        return PathBuf::from(s);
    }
    let ro = if readonly { "-ro" } else { "" };
    if uri.path == "/session" {
        let runtime = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(format!("/run/user/{}", nix::unistd::getuid())));
        return runtime.join("libvirt").join(format!("libvirt-sock{ro}"));
    }
    let modular = PathBuf::from(format!("/run/libvirt/virt{}d-sock{ro}", uri.driver));
    if modular.exists() {
        return modular;
    }
    PathBuf::from(format!("/run/libvirt/libvirt-sock{ro}"))
}

/// How a connection was had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Taken from a keeper (`warm.rs`).
    Warm,
    /// Made now.
    Cold,
}

/// Opens the transport the URI names and starts a client on it, no later than `deadline`
/// (which an ssh configuration's `ConnectTimeout` may set); over ssh, a keeper's warm channel
/// is taken when `warm` allows and one is there.
pub fn connect(
    uri: &Uri,
    readonly: bool,
    warm: bool,
    deadline: &mut Deadline,
) -> Result<(Client, Reach)> {
    // As in libvirt: no transport means unix without a host, tls with one.
    let transport = uri.transport.unwrap_or(if uri.host.is_some() {
        Transport::Tls
    } else {
        Transport::Unix
    });
    let client = match transport {
        Transport::Unix => {
            if let Some(host) = &uri.host {
                return Err(Error::invalid_arg(format!(
                    "using unix socket and remote server '{host}' is not supported."
                )));
            }
            let path = socket_path(uri, readonly);
            let stream = UnixStream::connect(&path).map_err(|e| {
                Error::system(
                    format!("Failed to connect socket to '{}'", path.display()),
                    &e,
                )
            })?;
            socket_client(stream, uri)
        }
        Transport::Ssh | Transport::Libssh2 | Transport::Libssh => {
            let taken = match warm {
                true => super::warm::take(uri, readonly, deadline)?,
                false => None,
            };
            if let Some(stream) = taken {
                return Ok((socket_client(stream, uri)?, Reach::Warm));
            }
            let stream = super::ssh::connect(uri, &super::daemon_name(uri), readonly, deadline)?;
            super::warm::leave_keeper(uri, readonly);
            socket_client(stream, uri)
        }
        Transport::Ext => {
            let command = uri
                .param("command")
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    Error::invalid_arg("the ext transport needs the program to run: ?command=PATH")
                })?;
            let mut child = Command::new(command)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .map_err(|e| Error::system(format!("Failed to run '{command}'"), &e))?;
            let stdin = child.stdin.take().expect("piped");
            let stdout = child.stdout.take().expect("piped");
            let child = std::sync::Mutex::new(child);
            Ok(Client::new(
                Box::new(stdout),
                Box::new(stdin),
                Box::new(move || {
                    if let Ok(mut c) = child.lock() {
                        let _ = c.kill();
                        let _ = c.wait();
                    }
                }),
                &uri.to_string(),
            ))
        }
        Transport::Tls => socket_client(super::tls::connect(uri, deadline)?, uri),
        Transport::Tcp => socket_client(super::tls::tcp(uri, super::tls::TCP_PORT, deadline)?, uri),
    };
    Ok((client?, Reach::Cold))
}

/// A connected socket, whichever its family.
trait Socket: std::io::Read + std::io::Write + Send + Sync + Sized + 'static {
    fn duplicate(&self) -> std::io::Result<Self>;
    fn end(&self);
}

impl Socket for UnixStream {
    fn duplicate(&self) -> std::io::Result<Self> {
        self.try_clone()
    }
    fn end(&self) {
        let _ = self.shutdown(std::net::Shutdown::Both);
    }
}

impl Socket for std::net::TcpStream {
    fn duplicate(&self) -> std::io::Result<Self> {
        self.try_clone()
    }
    fn end(&self) {
        let _ = self.shutdown(std::net::Shutdown::Both);
    }
}

/// A client on a connected socket.
fn socket_client<S: Socket>(stream: S, uri: &Uri) -> Result<Client> {
    let reader = stream
        .duplicate()
        .map_err(|e| Error::system("cannot clone the socket", &e))?;
    let closer = stream
        .duplicate()
        .map_err(|e| Error::system("cannot clone the socket", &e))?;
    Ok(Client::new(
        Box::new(reader),
        Box::new(stream),
        Box::new(move || closer.end()),
        &uri.to_string(),
    ))
}

pub fn download(client: &Arc<Client>, args: &VolStreamArgs) -> Result<Box<dyn std::io::Read>> {
    let ((), reader) = client.download(STORAGE_VOL_DOWNLOAD, args)?;
    Ok(Box::new(reader))
}

pub fn upload(
    client: &Arc<Client>,
    args: &VolStreamArgs,
    sparse: bool,
) -> Result<Box<dyn VolumeSink>> {
    Ok(Box::new(client.upload(STORAGE_VOL_UPLOAD, args, sparse)?))
}

impl VolumeSink for StreamWriter {
    fn finish(&mut self) -> Result<()> {
        Ok(StreamWriter::finish(self)?)
    }
}
