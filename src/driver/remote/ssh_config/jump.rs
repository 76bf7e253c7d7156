//! `ProxyJump`'s value, read as readconf.c's `parse_jump` reads it: `none`, or hosts separated
//! by commas, each `[user@]host[:port]` (misc.c's `parse_user_host_port`) or
//! `ssh://[user@]host[:port][/]` (its `parse_uri`); every host checked, the last kept apart.

use super::options::port;
use super::text;

/// One host of a `ProxyJump` chain.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct JumpHost {
    pub user: Option<Vec<u8>>,
    pub host: Vec<u8>,
    pub port: Option<u16>,
}

/// `ProxyJump`: its hosts in the order they are reached (the last is the one ssh connects
/// through), the ones before the last as written, or `none`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Jump {
    /// Never empty unless `off`.
    pub hops: Vec<JumpHost>,
    pub extra: Option<Vec<u8>>,
    /// `ProxyJump none` (not a host named `none`, which `none # comment` names).
    pub off: bool,
}

impl Jump {
    pub fn is_none(&self) -> bool {
        self.off
    }

    /// The host ssh connects through (none for `none`).
    pub fn last(&self) -> Option<&JumpHost> {
        self.hops.last()
    }

    /// As `ssh -G` prints it: a numeric host in brackets.
    pub fn shown(&self) -> String {
        let Some(last) = self.last() else {
            return "none".into();
        };
        let host = text(&last.host);
        let numeric = host.contains(':') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        let mut out = String::new();
        if let Some(extra) = &self.extra {
            out.push_str(&format!("{},", text(extra)));
        }
        if let Some(user) = &last.user {
            out.push_str(&format!("{}@", text(user)));
        }
        match numeric {
            true => out.push_str(&format!("[{host}]")),
            false => out.push_str(&host),
        }
        if let Some(port) = last.port {
            out.push_str(&format!(":{port}"));
        }
        out
    }
}

/// `ProxyJump`'s value (readconf.c's `parse_jump`): `none`, or hosts separated by commas,
/// each `[user@]host[:port]` or `ssh://[user@]host[:port]`; only the last is kept apart.
pub(super) fn parse_jump(raw: &[u8]) -> Option<Jump> {
    if raw.eq_ignore_ascii_case(b"none") {
        return Some(Jump {
            hops: Vec::new(),
            extra: None,
            off: true,
        });
    }
    let value = raw.split(|b| *b == b'#').next().unwrap_or(&[]);
    // misc.c's `rtrim` blanks every white space after the first byte, not only trailing
    // ones: the value ends at its first white space.
    let end = value
        .iter()
        .skip(1)
        .position(|b| b" \t\n\x0b\x0c\r".contains(b))
        .map_or(value.len(), |i| i + 1);
    let hops = value[..end]
        .split(|b| *b == b',')
        .map(jump_host)
        .collect::<Option<Vec<_>>>()?;
    // The hosts before the last are kept as written (up to the last comma of the line).
    let extra = raw
        .iter()
        .rposition(|b| *b == b',')
        .filter(|i| *i > 0)
        .map(|i| raw[..i].to_vec());
    Some(Jump {
        hops,
        extra,
        off: false,
    })
}

/// One jump host: `ssh://[user@]host[:port][/]` or `[user@]host[:port]`, an address in
/// brackets (misc.c's `parse_uri` and `parse_user_host_port`).
fn jump_host(spec: &[u8]) -> Option<JumpHost> {
    match spec.strip_prefix(b"ssh://") {
        Some(uri) => ssh_uri(uri),
        None => user_host_port(spec),
    }
}

/// A host field, and the delimiter after it with what follows.
type Field<'a> = (&'a [u8], Option<(u8, &'a [u8])>);

/// misc.c's `hpdelim2`: the host field (`[...]` or up to `:` or `/`), the delimiter, and what
/// follows it.
fn host_field(s: &[u8]) -> Option<Field<'_>> {
    let end = match s.first() {
        Some(b'[') => s.iter().position(|b| *b == b']')? + 1,
        _ => s
            .iter()
            .position(|b| *b == b':' || *b == b'/')
            .unwrap_or(s.len()),
    };
    match s.get(end) {
        None => Some((s, None)),
        Some(d @ (b':' | b'/')) => Some((&s[..end], Some((*d, &s[end + 1..])))),
        Some(_) => None,
    }
}

/// A host without its brackets.
fn clean(host: &[u8]) -> &[u8] {
    match host {
        [b'[', inner @ .., b']'] => inner,
        other => other,
    }
}

fn user_host_port(spec: &[u8]) -> Option<JumpHost> {
    let (user, rest) = match spec.iter().rposition(|b| *b == b'@') {
        Some(0) => return None,
        Some(at) => (Some(spec[..at].to_vec()), &spec[at + 1..]),
        None => (None, spec),
    };
    let (host, after) = host_field(rest)?;
    if host.is_empty() {
        return None;
    }
    let port = match after {
        Some((b'/', _)) => return None,
        Some((_, p)) if !p.is_empty() => Some(port(p)?),
        _ => None,
    };
    Some(JumpHost {
        user,
        host: clean(host).to_vec(),
        port,
    })
}

/// misc.c's `parse_uri` for `ssh`, a path refused: the user up to the first `@` (`;`
/// parameters dropped, URL-decoded), a host that is a domain name.
fn ssh_uri(uri: &[u8]) -> Option<JumpHost> {
    let (user, rest) = match uri.iter().position(|b| *b == b'@') {
        Some(at) => {
            let user = uri[..at].split(|b| *b == b';').next().unwrap_or(&[]);
            if user.is_empty() {
                return None;
            }
            (Some(url_decode(user)?), &uri[at + 1..])
        }
        None => (None, uri),
    };
    let (host, after) = host_field(rest)?;
    let host = clean(host);
    if !valid_domain(host) {
        return None;
    }
    let (port, path) = match after {
        Some((b':', p)) => {
            let (p, path) = match p.iter().position(|b| *b == b'/') {
                Some(slash) => (&p[..slash], &p[slash + 1..]),
                None => (p, &p[p.len()..]),
            };
            match p.is_empty() {
                true => (None, path),
                false => (Some(port(p)?), path),
            }
        }
        Some((_, path)) => (None, path),
        None => (None, &[][..]),
    };
    path.is_empty().then(|| JumpHost {
        user,
        host: host.to_vec(),
        port,
    })
}

/// `+` a space, `%XX` a byte.
fn url_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' => {
                // Two hex digits, nothing else (`from_str_radix` would take a sign).
                let hex = s
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    Some(out)
}

/// misc.c's `valid_domain`: letters, digits, `-`, `_` and single dots, not starting with a
/// dot or dash.
fn valid_domain(host: &[u8]) -> bool {
    let Some(first) = host.first() else {
        return false;
    };
    (first.is_ascii_alphanumeric() || *first == b'_')
        && !host.windows(2).any(|w| w == b"..")
        && host
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b".-_".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumps() {
        let j = parse_jump(b"u@10.0.0.1:2222,a@b # hop").unwrap();
        assert_eq!(j.shown(), "u@10.0.0.1:2222,a@b");
        assert_eq!(parse_jump(b"[::1]:22").unwrap().shown(), "[::1]:22");
        assert_eq!(
            parse_jump(b"ssh://r%40x;p=1@h.example:22/")
                .unwrap()
                .shown(),
            "r@x@h.example:22"
        );
        assert!(parse_jump(b"ssh://r@[::1]:22").is_none());
        assert!(parse_jump(b"ssh://h/path").is_none());
        assert_eq!(parse_jump(b"10.0.0.1").unwrap().shown(), "[10.0.0.1]");
        assert!(parse_jump(b"none").unwrap().is_none());
        assert!(parse_jump(b"a:99999").is_none());
        assert!(parse_jump(b"@a").is_none());
        // Cut at the first white space, the hosts before the last comma kept as written.
        assert_eq!(parse_jump(b"a b,c").unwrap().shown(), "a b,a");
        assert_eq!(parse_jump(b"\"a b\"").unwrap().shown(), "\"a");
        // Every hop is kept parsed: users decoded, ports read, comments gone.
        let j = parse_jump(b"ssh://r%40x;p=1@h.example:2022/,[::1]:23,u@last # c,omment").unwrap();
        let hop = |user: Option<&[u8]>, host: &[u8], port| JumpHost {
            user: user.map(<[u8]>::to_vec),
            host: host.to_vec(),
            port,
        };
        assert_eq!(
            j.hops,
            [
                hop(Some(b"r@x"), b"h.example", Some(2022)),
                hop(None, b"::1", Some(23)),
                hop(Some(b"u"), b"last", None),
            ]
        );
        // A `%` takes two hex digits, not a sign.
        assert!(parse_jump(b"ssh://a%+1@h").is_none());
        assert!(parse_jump(b"ssh://a%4@h").is_none());
        assert_eq!(url_decode(b"a%2b+"), Some(b"a+ ".to_vec()));
    }
}
