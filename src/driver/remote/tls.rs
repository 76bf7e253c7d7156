//! The TCP transports: `qemu+tcp://` (port 16509, plain) and `qemu+tls://` (port 16514), TLS
//! as libvirt's client makes it: libvirt's x509 layout (`pkipath=`; else, as root,
//! `/etc/pki/CA/cacert.pem`, `/etc/pki/libvirt/clientcert.pem`,
//! `/etc/pki/libvirt/private/clientkey.pem`; else `~/.pki/libvirt/` with each file falling back
//! to the system's), our own certificate checked against the CA first, the server's checked
//! for the CA and the URI's host unless `no_verify=1`, then the server's one-byte verdict on
//! ours. A pump thread moves bytes between the TLS session and a socket pair, as for ssh.
//!
//! The failures say libvirt's final words; libvirt's own log lines before them (its warning
//! of a failed certificate check, with timestamp and process id) are not imitated.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use openssl::pkey::PKey;
use openssl::ssl::{ErrorCode as SslCode, SslConnector, SslMethod, SslStream};
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::{X509StoreContext, X509VerifyResult, X509};

use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::uri::Uri;

/// libvirt's ports for the two transports.
pub const TCP_PORT: u16 = 16509;
pub const TLS_PORT: u16 = 16514;

/// A TCP connection to the URI's host (`localhost` when it names none), in libvirt's words
/// when it fails; every address tried no later than `deadline`.
pub fn tcp(uri: &Uri, default_port: u16, deadline: &Deadline) -> Result<TcpStream> {
    let host = uri.host.as_deref().unwrap_or("localhost");
    let port = uri.port.unwrap_or(default_port);
    let refused = |e: &std::io::Error| {
        Error::new(
            ErrorCode::SystemError,
            format!(
                "unable to connect to server at '{host}:{port}': {}",
                crate::sys::strerror(e)
            ),
        )
    };
    let addrs = (host, port).to_socket_addrs().map_err(|e| refused(&e))?;
    let timed_out = || std::io::Error::from_raw_os_error(libc::ETIMEDOUT);
    let mut last = std::io::Error::from(ErrorKind::AddrNotAvailable);
    for a in addrs {
        let left = deadline.left();
        if left.is_zero() {
            last = timed_out();
            break;
        }
        match TcpStream::connect_timeout(&a, left) {
            Ok(s) => {
                // RPC calls are small and wait for their answers: no Nagle delay.
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            // The C library's words for it, as libvirt's connect reports it.
            Err(e) if e.kind() == ErrorKind::TimedOut => last = timed_out(),
            Err(e) => last = e,
        }
    }
    Err(refused(&last))
}

/// The CA, certificate and key files, as libvirt locates them.
struct Pki {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

impl Pki {
    fn locate(uri: &Uri) -> Pki {
        if let Some(dir) = uri.param("pkipath").filter(|p| !p.is_empty()) {
            let dir = Path::new(dir);
            return Pki {
                ca: dir.join("cacert.pem"),
                cert: dir.join("clientcert.pem"),
                key: dir.join("clientkey.pem"),
            };
        }
        let system = Pki {
            ca: PathBuf::from("/etc/pki/CA/cacert.pem"),
            cert: PathBuf::from("/etc/pki/libvirt/clientcert.pem"),
            key: PathBuf::from("/etc/pki/libvirt/private/clientkey.pem"),
        };
        if nix::unistd::geteuid().is_root() {
            return system;
        }
        let Some(home) = std::env::var_os("HOME") else {
            return system;
        };
        let user = PathBuf::from(home).join(".pki/libvirt");
        let ca = user.join("cacert.pem");
        let (cert, key) = (user.join("clientcert.pem"), user.join("clientkey.pem"));
        // The pair comes from one place.
        let (cert, key) = match cert.exists() && key.exists() {
            true => (cert, key),
            false => (system.cert, system.key),
        };
        Pki {
            ca: if ca.exists() { ca } else { system.ca },
            cert,
            key,
        }
    }
}

/// The most libvirt reads of a certificate file (`virNetTLSCertLoadFromFile`'s 64 KiB); the
/// key is held to the same, so that no PKI file (a link to `/dev/zero`, a huge bundle) is
/// read without end.
const PKI_FILE_MAX: usize = 1 << 16;

/// A PKI file, at most [`PKI_FILE_MAX`] bytes, as libvirt reads it: a missing one is
/// `Cannot read WHAT 'PATH'`, a longer one `Failed to read file 'PATH': Value too large ...`.
fn read_pki(what: &str, path: &Path) -> Result<Vec<u8>> {
    crate::sys::read_capped(path, PKI_FILE_MAX).map_err(|e| match e.raw_os_error() {
        Some(libc::EOVERFLOW) => {
            Error::system(format!("Failed to read file '{}'", path.display()), &e)
        }
        _ => Error::system(format!("Cannot read {what} '{}'", path.display()), &e),
    })
}

/// GnuTLS's words for why a certificate failed, where OpenSSL's differ.
fn verify_words(result: X509VerifyResult) -> String {
    // OpenSSL's X509_V_ERR_ codes: unable to get the issuer (2, 20), self-signed leaf (18, 21
    // unable to verify the first), not yet valid (9), expired (10).
    match result.as_raw() {
        2 | 18 | 20 | 21 => "The certificate hasn't got a known issuer.".into(),
        9 => "The certificate is not yet activated.".into(),
        10 => "The certificate has expired.".into(),
        _ => format!("The certificate is not trusted: {}.", result.error_string()),
    }
}

/// Our own certificate against the CA, as libvirt checks it before it connects.
fn check_own(pki: &Pki, ca: &X509) -> Result<()> {
    if !pki.cert.exists() {
        return Ok(());
    }
    let pem = read_pki("certificate", &pki.cert)?;
    let cert = X509::from_pem(&pem).map_err(|e| {
        Error::internal(format!(
            "Unable to import client certificate {}: {e}",
            pki.cert.display()
        ))
    })?;
    let mut store = X509StoreBuilder::new().map_err(Error::internal)?;
    store.add_cert(ca.clone()).map_err(Error::internal)?;
    let store = store.build();
    let chain = openssl::stack::Stack::new().map_err(Error::internal)?;
    let mut ctx = X509StoreContext::new().map_err(Error::internal)?;
    let verdict = ctx
        .init(&store, &cert, &chain, |c| {
            c.verify_cert()?;
            Ok(c.error())
        })
        .map_err(Error::internal)?;
    if verdict == X509VerifyResult::OK {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::SystemError,
        format!(
            "Our own certificate {} failed validation against {}: {}",
            pki.cert.display(),
            pki.ca.display(),
            verify_words(verdict)
        ),
    ))
}

fn auth_failed(text: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::AuthFailed,
        format!("authentication failed: {text}"),
    )
}

/// A TLS session to the URI's host, verified as libvirt verifies it, relayed to a socket
/// pair, no later than `deadline`; returns our end.
pub fn connect(uri: &Uri, deadline: &Deadline) -> Result<UnixStream> {
    let pki = Pki::locate(uri);
    let ca_pem = read_pki("CA certificate", &pki.ca)?;
    let ca = X509::from_pem(&ca_pem).map_err(|e| {
        Error::internal(format!(
            "Unable to import CA certificate {}: {e}",
            pki.ca.display()
        ))
    })?;
    check_own(&pki, &ca)?;
    let no_verify = uri.param("no_verify").is_some_and(|v| v != "0");
    let mut builder = SslConnector::builder(SslMethod::tls_client()).map_err(Error::internal)?;
    builder
        .cert_store_mut()
        .add_cert(ca)
        .map_err(Error::internal)?;
    // A client certificate is optional: without one the server says no at its verdict.
    if pki.cert.exists() && pki.key.exists() {
        let unusable = |e: openssl::error::ErrorStack| {
            Error::new(
                ErrorCode::SystemError,
                format!(
                    "Unable to set x509 key and certificate: {}, {}: {e}",
                    pki.key.display(),
                    pki.cert.display()
                ),
            )
        };
        let cert = X509::from_pem(&read_pki("certificate", &pki.cert)?).map_err(unusable)?;
        let key =
            PKey::private_key_from_pem(&read_pki("private key", &pki.key)?).map_err(unusable)?;
        builder.set_certificate(&cert).map_err(unusable)?;
        builder.set_private_key(&key).map_err(unusable)?;
    }
    if no_verify {
        builder.set_verify(openssl::ssl::SslVerifyMode::NONE);
    }
    let connector = builder.build();
    let mut config = connector.configure().map_err(Error::internal)?;
    if no_verify {
        config.set_verify_hostname(false);
    }
    let host = uri.host.as_deref().unwrap_or("localhost");
    let tcp = tcp(uri, TLS_PORT, deadline)?;
    // The handshake and the server's verdict, as everything of a connection's making, are
    // bounded by `connect_timeout`: a server that takes the connection and never answers
    // does not hold virtsh.
    let timed_out = || {
        Error::new(
            ErrorCode::OperationTimeout,
            format!(
                "Timed out during operation: no TLS handshake with the server within {} seconds (connect_timeout)",
                deadline.limit().as_secs()
            ),
        )
    };
    tcp.set_nonblocking(true)
        .map_err(|e| Error::system("cannot set the socket non-blocking", &e))?;
    let mut attempt = config.connect(host, tcp);
    let mut tls = loop {
        match attempt {
            Ok(tls) => break tls,
            Err(openssl::ssl::HandshakeError::WouldBlock(mid)) => {
                let wanted = match mid.error().code() {
                    SslCode::WANT_WRITE => PollFlags::POLLOUT,
                    _ => PollFlags::POLLIN,
                };
                if !wait_for(mid.get_ref(), wanted, deadline) {
                    return Err(timed_out());
                }
                attempt = mid.handshake();
            }
            Err(openssl::ssl::HandshakeError::Failure(mid))
                if mid.ssl().verify_result() != X509VerifyResult::OK =>
            {
                return Err(auth_failed("Failed to verify peer's certificate"));
            }
            Err(_) => {
                return Err(auth_failed(
                    "TLS handshake failed Error in the pull function.",
                ))
            }
        }
    };
    // The server checks our certificate (and address) after the handshake, and says so.
    let mut verdict = [0u8; 1];
    loop {
        match tls.ssl_read(&mut verdict) {
            Ok(1) => break,
            Err(e) if would_block(&e) => {
                if !wait_for(tls.get_ref(), PollFlags::POLLIN, deadline) {
                    return Err(timed_out());
                }
            }
            _ => {
                return Err(Error::new(
                    ErrorCode::Rpc,
                    "Unable to read TLS confirmation: Input/output error",
                ))
            }
        }
    }
    if verdict[0] != 1 {
        return Err(Error::new(
            ErrorCode::Rpc,
            "server verification (of our certificate or IP address) failed",
        ));
    }
    let (ours, theirs) = UnixStream::pair().map_err(|e| Error::system("socketpair", &e))?;
    std::thread::Builder::new()
        .spawn(move || pump(tls, theirs))
        .map_err(|e| Error::system("cannot start the TLS relay", &e))?;
    Ok(ours)
}

/// Waits until `socket` is ready for `wanted`, no later than `deadline`; false when the
/// deadline came first.
fn wait_for(socket: &TcpStream, wanted: PollFlags, deadline: &Deadline) -> bool {
    loop {
        let left = deadline.left();
        if left.is_zero() {
            return false;
        }
        let ms = PollTimeout::try_from(left.as_millis().max(1)).unwrap_or(PollTimeout::MAX);
        let mut fds = [PollFd::new(socket.as_fd(), wanted)];
        match poll(&mut fds, ms) {
            Ok(0) => return false,
            Ok(_) => return true,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return true,
        }
    }
}

fn would_block(e: &openssl::ssl::Error) -> bool {
    matches!(e.code(), SslCode::WANT_READ | SslCode::WANT_WRITE)
}

/// Moves bytes between the TLS session and the socket pair until either side ends.
fn pump(mut tls: SslStream<TcpStream>, mut local: UnixStream) {
    let _ = tls.get_ref().set_nonblocking(true);
    let _ = local.set_nonblocking(true);
    let mut buf = vec![0u8; 64 * 1024];
    // Bytes from the client still to be written into the session.
    let mut outgoing: Vec<u8> = Vec::new();
    loop {
        let mut moved = false;
        match tls.ssl_read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let _ = local.set_nonblocking(false);
                if local.write_all(&buf[..n]).is_err() {
                    break;
                }
                let _ = local.set_nonblocking(true);
                moved = true;
            }
            Err(e) if would_block(&e) => {}
            Err(_) => break,
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
            match tls.ssl_write(&outgoing) {
                Ok(n) => {
                    outgoing.drain(..n);
                    moved = true;
                }
                Err(e) if would_block(&e) => {}
                Err(_) => break,
            }
        }
        // What OpenSSL already decrypted is not on the socket any more.
        if moved || tls.ssl().pending() > 0 {
            continue;
        }
        let mut net = PollFlags::POLLIN;
        if !outgoing.is_empty() {
            net |= PollFlags::POLLOUT;
        }
        let client = if outgoing.is_empty() {
            PollFlags::POLLIN
        } else {
            PollFlags::empty()
        };
        let mut fds = [
            PollFd::new(tls.get_ref().as_fd(), net),
            PollFd::new(local.as_fd(), client),
        ];
        let _ = poll(&mut fds, PollTimeout::NONE);
    }
    let _ = tls.shutdown();
    let _ = local.shutdown(std::net::Shutdown::Both);
}
