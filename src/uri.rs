//! libvirt connection URIs: `driver[+transport]://[user@][host][:port]/path[?key=value&...]`,
//! percent-decoded and typed.

use std::fmt;

/// How a remote connection travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Unix,
    Ssh,
    Libssh2,
    Libssh,
    Tcp,
    Tls,
    Ext,
}

impl Transport {
    const NAMES: [(&'static str, Transport); 7] = [
        ("unix", Transport::Unix),
        ("ssh", Transport::Ssh),
        ("libssh2", Transport::Libssh2),
        ("libssh", Transport::Libssh),
        ("tcp", Transport::Tcp),
        ("tls", Transport::Tls),
        ("ext", Transport::Ext),
    ];

    fn parse(s: &str) -> Option<Transport> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, t)| *t)
    }

    /// The name as written in a URI (`ssh` in `qemu+ssh://`).
    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, t)| *t == self)
            .map(|(n, _)| *n)
            .expect("every transport is named")
    }
}

/// A parsed URI. `Display` gives back the text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uri {
    pub driver: String,
    pub transport: Option<Transport>,
    pub user: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// The decoded path, starting with `/` (or empty).
    pub path: String,
    /// Query parameters in order, decoded.
    pub params: Vec<(String, String)>,
    text: String,
}

/// Why a URI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    #[error("Unable to parse URI {uri}: {why}")]
    Malformed { uri: String, why: &'static str },
    #[error(
        "remote_open: transport in URL not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh)"
    )]
    Transport(String),
}

fn decode(s: &str, uri: &str) -> Result<String, UriError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
                let Some(hex) = hex else {
                    return Err(UriError::Malformed {
                        uri: uri.into(),
                        why: "bad percent-encoding",
                    });
                };
                out.push(u8::from_str_radix(hex, 16).expect("checked hex"));
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| UriError::Malformed {
        uri: uri.into(),
        why: "percent-encoding is not UTF-8",
    })
}

impl Uri {
    pub fn parse(text: &str) -> Result<Uri, UriError> {
        let bad = |why| UriError::Malformed {
            uri: text.to_string(),
            why,
        };
        let (scheme, rest) = text.split_once("://").ok_or_else(|| bad("missing '://'"))?;
        if scheme.is_empty()
            || !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return Err(bad("bad scheme"));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("spaces or control characters"));
        }
        let (driver, transport) = match scheme.split_once('+') {
            Some((d, t)) => (
                d,
                Some(Transport::parse(t).ok_or_else(|| UriError::Transport(t.to_string()))?),
            ),
            None => (scheme, None),
        };
        // The fragment (after `#`, which may follow the query) is not part of the resource.
        let rest = rest.split('#').next().unwrap_or_default();
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(decode(u, text)?), h),
            None => (None, authority),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("unclosed '[' in host"))?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':').ok_or_else(|| bad("junk after ']'"))?),
            };
            (h.to_string(), port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (decode(h, text)?, Some(p)),
                None => (decode(hostport, text)?, None),
            }
        };
        let port = match port {
            None | Some("") => None,
            Some(p) => Some(p.parse::<u16>().map_err(|_| bad("bad port"))?),
        };
        let mut params = Vec::new();
        for pair in query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            params.push((
                decode(&k.replace('+', " "), text)?,
                decode(&v.replace('+', " "), text)?,
            ));
        }
        Ok(Uri {
            driver: driver.to_string(),
            transport,
            user: user.filter(|u| !u.is_empty()),
            host: Some(host).filter(|h| !h.is_empty()),
            port,
            path: decode(path, text)?,
            params,
            text: text.to_string(),
        })
    }

    /// The value of query parameter `key`.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the URI names a remote connection (a transport or a host).
    pub fn is_remote(&self) -> bool {
        self.transport.is_some() || self.host.is_some()
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_grammar() {
        let u =
            Uri::parse("qemu+ssh://root@host.example:2222/system?keyfile=%2Froot%2Fk&no_verify=1")
                .unwrap();
        assert_eq!(u.driver, "qemu");
        assert_eq!(u.transport, Some(Transport::Ssh));
        assert_eq!(u.user.as_deref(), Some("root"));
        assert_eq!(u.host.as_deref(), Some("host.example"));
        assert_eq!(u.port, Some(2222));
        assert_eq!(u.path, "/system");
        assert_eq!(u.param("keyfile"), Some("/root/k"));
        assert_eq!(u.param("no_verify"), Some("1"));
        assert!(u.is_remote());
        assert_eq!(
            u.to_string(),
            "qemu+ssh://root@host.example:2222/system?keyfile=%2Froot%2Fk&no_verify=1"
        );
    }

    #[test]
    fn local_forms() {
        let u = Uri::parse("test:///default").unwrap();
        assert_eq!((u.driver.as_str(), u.path.as_str()), ("test", "/default"));
        assert!(!u.is_remote());
        let u = Uri::parse("qemu:///embed?root=/tmp/x%20y").unwrap();
        assert_eq!(u.param("root"), Some("/tmp/x y"));
        let u = Uri::parse("qemu+unix:///system?socket=/run/s").unwrap();
        assert_eq!(u.transport, Some(Transport::Unix));
        assert_eq!(u.host, None);
        let u = Uri::parse("qemu+tcp://[::1]:16509/system").unwrap();
        assert_eq!(u.host.as_deref(), Some("::1"));
        assert_eq!(u.port, Some(16509));
        assert_eq!(Uri::parse("test://").unwrap().path, "");
        // A fragment ends the query: it is no part of a parameter.
        let u = Uri::parse("qemu:///embed?root=/x#frag").unwrap();
        assert_eq!(u.param("root"), Some("/x"));
    }

    #[test]
    fn bad_uris() {
        for bad in [
            "",
            "test",
            "te st:///x",
            "1qemu:///system",
            "qemu://h:99999/system",
            "a://%zz/",
        ] {
            assert!(
                matches!(Uri::parse(bad), Err(UriError::Malformed { .. })),
                "{bad:?} should be malformed"
            );
        }
        assert!(matches!(
            Uri::parse("qemu+carrier://h/system"),
            Err(UriError::Transport(_))
        ));
    }
}
