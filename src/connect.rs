//! Opening a connection: the URI chooses the driver.

use std::path::{Path, PathBuf};

use crate::client_conf::ClientConf;
use crate::driver::qemu::QemuDriver;
use crate::driver::remote::{Keepalive, RemoteDriver};
use crate::driver::testdrv::TestDriver;
use crate::driver::{Connection, Driver};
use crate::error::{Error, ErrorCode};
use crate::uri::{Uri, UriError};

/// The URI named without `-c`, which virsh connects to at start-up: `VIRTSH_DEFAULT_CONNECT_URI`,
/// then virsh's own `VIRSH_DEFAULT_CONNECT_URI`. (Libvirt's own default, `LIBVIRT_DEFAULT_URI`
/// and the rest, is found when the first command needs the connection: [`resolve`].)
pub fn named_uri(env: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["VIRTSH_DEFAULT_CONNECT_URI", "VIRSH_DEFAULT_CONNECT_URI"]
        .into_iter()
        .find_map(|k| env(k).filter(|v| !v.is_empty()))
}

/// The URI a connection opens, as libvirt's `virConnectOpen` chooses it: the one named,
/// else `LIBVIRT_DEFAULT_URI`, else `uri_default` of the client configuration; either through
/// its `uri_aliases`; else `qemu:///system` (root) or `qemu:///session` when a libvirt daemon
/// answers on that socket. `None`: the embedded driver's default root.
pub fn resolve(
    name: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
    conf: Option<&ClientConf>,
) -> Result<Option<String>, Error> {
    let chosen = match name.filter(|n| !n.is_empty()) {
        Some(n) => Some(n.to_string()),
        None => match env("LIBVIRT_DEFAULT_URI").filter(|v| !v.is_empty()) {
            Some(v) => Some(v),
            None => conf.map(ClientConf::uri_default).transpose()?.flatten(),
        },
    };
    match chosen {
        Some(uri) => Ok(Some(
            conf.map(|c| c.resolve_alias(&uri))
                .transpose()?
                .flatten()
                .unwrap_or(uri),
        )),
        None => Ok(probe(&env)),
    }
}

/// `qemu:///system` (root) or `qemu:///session` when a libvirt daemon (modular or not)
/// answers on its socket.
fn probe(env: &impl Fn(&str) -> Option<String>) -> Option<String> {
    let (dir, uri) = if nix::unistd::geteuid().is_root() {
        (PathBuf::from("/run/libvirt"), "qemu:///system")
    } else {
        (
            PathBuf::from(env("XDG_RUNTIME_DIR").filter(|v| !v.is_empty())?).join("libvirt"),
            "qemu:///session",
        )
    };
    ["virtqemud-sock", "libvirt-sock"]
        .iter()
        .any(|s| std::os::unix::net::UnixStream::connect(dir.join(s)).is_ok())
        .then(|| uri.to_string())
}

/// The embedded driver's root when no URI is given: `$XDG_DATA_HOME/virtsh`
/// (`~/.local/share/virtsh`), or `/var/lib/virtsh` for root.
pub fn default_root() -> Result<PathBuf, Error> {
    if nix::unistd::geteuid().is_root() {
        return Ok(PathBuf::from("/var/lib/virtsh"));
    }
    std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .map(|base| base.join("virtsh"))
        .ok_or_else(|| Error::invalid_arg("no HOME or XDG_DATA_HOME to put the embedded root under; give -c qemu:///embed?root=DIR"))
}

/// Opens the URI `name` names (`None`: libvirt's default, see [`resolve`]); `keepalive`
/// applies to remote connections.
pub fn open(name: Option<&str>, readonly: bool, keepalive: Keepalive) -> Result<Connection, Error> {
    let conf = crate::client_conf::load()?;
    let uri = resolve(name, |k| std::env::var(k).ok(), conf.as_ref())?;
    Ok(Connection::new(
        driver(uri.as_deref(), readonly, keepalive)?,
        readonly,
    ))
}

fn driver(
    uri: Option<&str>,
    readonly: bool,
    keepalive: Keepalive,
) -> Result<Box<dyn Driver>, Error> {
    let Some(text) = uri else {
        let root = default_root()?;
        let uri = format!("qemu:///embed?root={}", root.display());
        return Ok(Box::new(QemuDriver::open(&uri, &root)?));
    };
    let parsed = Uri::parse(text).map_err(|e| match e {
        UriError::Malformed { .. } => Error::internal(format!("Unable to parse URI {text}")),
        transport @ UriError::Transport(_) => Error::internal(transport),
    })?;
    Ok(match (parsed.driver.as_str(), parsed.is_remote()) {
        ("test", false) => Box::new(match parsed.path.as_str() {
            "/default" => TestDriver::open_default(text)?,
            "" | "/" => {
                return Err(Error::invalid_arg(
                    "testOpen: supply a path or use test:///default",
                ))
            }
            path => TestDriver::open_file(text, Path::new(path))?,
        }),
        (_, true) | ("qemu", false) if parsed.is_remote() || parsed.path != "/embed" => {
            Box::new(RemoteDriver::open(&parsed, readonly, keepalive)?)
        }
        ("qemu", false) if parsed.path == "/embed" => {
            let root = parsed
                .param("root")
                .filter(|r| !r.is_empty())
                .ok_or_else(|| {
                    Error::invalid_arg("qemu:///embed needs a root: qemu:///embed?root=/ABS/DIR")
                })?;
            // The root's path reaches dnsmasq's configuration and QEMU's command line.
            if root.chars().any(char::is_control) {
                return Err(Error::invalid_arg(format!(
                    "the root of qemu:///embed holds a control character: '{}'",
                    root.escape_debug()
                )));
            }
            Box::new(QemuDriver::open(text, Path::new(root))?)
        }
        _ => {
            return Err(Error::new(
                ErrorCode::NoConnect,
                format!("no connection driver available for {text}"),
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(named_uri(env(&[("LIBVIRT_DEFAULT_URI", "a")])), None);
        assert_eq!(
            named_uri(env(&[("VIRSH_DEFAULT_CONNECT_URI", "b")])).as_deref(),
            Some("b")
        );
        assert_eq!(
            named_uri(env(&[
                ("VIRSH_DEFAULT_CONNECT_URI", "b"),
                ("VIRTSH_DEFAULT_CONNECT_URI", "c")
            ]))
            .as_deref(),
            Some("c")
        );
        let conf = ClientConf::parse(
            "c",
            "uri_default = 'test:///default?conf'\nuri_aliases = ['lab=test:///default?lab']",
        )
        .unwrap();
        let resolved = |name: Option<&str>, vars| resolve(name, env(vars), Some(&conf)).unwrap();
        assert_eq!(resolved(Some("x:///"), &[]).as_deref(), Some("x:///"));
        assert_eq!(
            resolved(Some("lab"), &[]).as_deref(),
            Some("test:///default?lab")
        );
        assert_eq!(
            resolved(None, &[("LIBVIRT_DEFAULT_URI", "lab")]).as_deref(),
            Some("test:///default?lab")
        );
        assert_eq!(resolved(None, &[]).as_deref(), Some("test:///default?conf"));
    }

    const KA: Keepalive = Keepalive {
        interval: 5,
        count: 6,
    };

    #[test]
    fn test_uris() {
        assert!(open(Some("test:///default"), false, KA).is_ok());
        let e = open(Some("test://"), false, KA).err().unwrap();
        assert_eq!(
            e.to_string(),
            "invalid argument: testOpen: supply a path or use test:///default"
        );
        let e = open(Some("test:///nonexist.xml"), false, KA).err().unwrap();
        assert_eq!(
            e.to_string(),
            "Failed to open file '/nonexist.xml': No such file or directory"
        );
        let e = open(Some("te st:///x"), false, KA).err().unwrap();
        assert_eq!(
            e.to_string(),
            "internal error: Unable to parse URI te st:///x"
        );
    }
}
