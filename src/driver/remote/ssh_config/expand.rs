//! `%` tokens, `${VARIABLE}` and `~` in configuration values, expanded as OpenSSH expands them
//! (misc.c's `vdollar_percent_expand` and `tilde_expand`), failing with its own lines.

use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

use super::{vis, Fatal, Log};

/// The values of the `%` tokens of one connection (OpenSSH's `ssh_conn_info`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ConnInfo {
    /// The host as given (`%n`).
    pub host_arg: Vec<u8>,
    /// The host connected to (`%h`).
    pub host: Vec<u8>,
    pub port: u16,
    /// `HostKeyAlias`, else the host as given (`%k`).
    pub key_alias: Vec<u8>,
    pub local_user: Vec<u8>,
    pub home: Vec<u8>,
    /// The `ProxyJump` host, or nothing (`%j`).
    pub jump_host: Vec<u8>,
    /// The remote user (`%r`, and part of `%C`); none where it is being expanded itself.
    pub remote_user: Option<Vec<u8>>,
}

impl ConnInfo {
    /// The tokens OpenSSH expands in paths (`DEFAULT_CLIENT_PERCENT_EXPAND_ARGS`, without `%r`
    /// and `%C` while the user is not known).
    pub fn tokens(&self) -> Vec<(u8, Vec<u8>)> {
        let this_host = crate::sys::hostname().unwrap_or_default().into_bytes();
        let short: Vec<u8> = this_host
            .split(|b| *b == b'.')
            .next()
            .unwrap_or(&[])
            .to_vec();
        let port = self.port.to_string().into_bytes();
        let mut tokens = vec![
            (b'L', short),
            (b'i', nix::unistd::getuid().to_string().into_bytes()),
            (b'k', self.key_alias.clone()),
            (b'l', this_host.clone()),
            (b'n', self.host_arg.clone()),
            (b'p', port.clone()),
            (b'd', self.home.clone()),
            (b'h', self.host.clone()),
            (b'u', self.local_user.clone()),
            (b'j', self.jump_host.clone()),
        ];
        if let Some(user) = &self.remote_user {
            // %C: OpenSSH's connection hash, SHA-1 of these in a row.
            let whole = [&this_host[..], &self.host, &port, user, &self.jump_host].concat();
            let hash: String = openssl::sha::sha1(&whole)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            tokens.push((b'C', hash.into_bytes()));
            tokens.push((b'r', user.clone()));
        }
        tokens
    }
}

/// Why an expansion gave nothing.
enum Failed {
    /// A `${VARIABLE}` that is not set (the caller decides).
    Missing,
    /// A bad `%` or `${`: OpenSSH's expansion fails.
    Invalid,
}

fn expand(
    s: &[u8],
    tokens: &[(u8, Vec<u8>)],
    dollar: bool,
    log: &mut Log,
) -> Result<Vec<u8>, Failed> {
    const WHO: &str = "vdollar_percent_expand";
    let mut out = Vec::new();
    let mut missing = false;
    let mut i = 0;
    while i < s.len() {
        if dollar && s[i..].starts_with(b"${") {
            let name_at = &s[i + 2..];
            let Some(end) = name_at.iter().position(|b| *b == b'}') else {
                log.error(format!(
                    "{WHO}: environment variable '{}' missing closing '}}'",
                    vis(name_at)
                ));
                return Err(Failed::Invalid);
            };
            if end == 0 {
                log.error(format!("{WHO}: zero-length environment variable"));
                return Err(Failed::Invalid);
            }
            let name = &name_at[..end];
            match std::env::var_os(std::ffi::OsStr::from_bytes(name)) {
                Some(v) => out.extend_from_slice(v.as_bytes()),
                None => {
                    log.error(format!("{WHO}: env var ${{{}}} has no value", vis(name)));
                    missing = true;
                }
            }
            i += 2 + end + 1;
            continue;
        }
        if s[i] != b'%' || tokens.is_empty() {
            out.push(s[i]);
            i += 1;
            continue;
        }
        match s.get(i + 1) {
            Some(b'%') => out.push(b'%'),
            None => {
                log.error(format!("{WHO}: invalid format"));
                return Err(Failed::Invalid);
            }
            Some(c) => match tokens.iter().find(|(k, _)| k == c) {
                Some((_, v)) => out.extend_from_slice(v),
                None => {
                    log.error(format!("{WHO}: unknown key %{}", char::from(*c)));
                    return Err(Failed::Invalid);
                }
            },
        }
        i += 2;
    }
    if missing {
        return Err(Failed::Missing);
    }
    Ok(out)
}

/// `percent_expand`: a bad token ends the run.
pub(super) fn percent(s: &[u8], tokens: &[(u8, Vec<u8>)], log: &mut Log) -> Result<Vec<u8>, Fatal> {
    expand(s, tokens, false, log).map_err(|_| log.fatal("percent_expand: failed".into()))
}

/// `percent_dollar_expand`: a bad token ends the run; an unset variable gives nothing.
pub(super) fn percent_dollar(
    s: &[u8],
    tokens: &[(u8, Vec<u8>)],
    log: &mut Log,
) -> Result<Option<Vec<u8>>, Fatal> {
    match expand(s, tokens, true, log) {
        Ok(v) => Ok(Some(v)),
        Err(Failed::Missing) => Ok(None),
        Err(Failed::Invalid) => Err(log.fatal("percent_dollar_expand: failed".into())),
    }
}

/// `dollar_expand` as readconf.c checks `IdentityAgent` with it: whether the variables in `s`
/// are well formed and set.
pub(super) fn dollar_ok(s: &[u8], log: &mut Log) -> bool {
    expand(s, &[], true, log).is_ok()
}

/// `default_client_percent_dollar_expand`: an unset variable ends the run too.
pub(super) fn client_path(
    s: &[u8],
    tokens: &[(u8, Vec<u8>)],
    log: &mut Log,
) -> Result<Vec<u8>, Fatal> {
    percent_dollar(s, tokens, log)?
        .ok_or_else(|| log.fatal("invalid environment variable expansion".into()))
}

/// `~`, `~/path` (in `home`) and `~user/path`; OpenSSH ends the run on an unknown user.
pub(super) fn tilde(s: &[u8], home: &Path, log: &mut Log) -> Result<Vec<u8>, Fatal> {
    let Some(rest) = s.strip_prefix(b"~") else {
        return Ok(s.to_vec());
    };
    let (user, path) = match rest.iter().position(|b| *b == b'/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, &rest[rest.len()..]),
    };
    let path = &path[path.iter().take_while(|b| **b == b'/').count()..];
    let dir = if user.is_empty() {
        home.as_os_str().as_bytes().to_vec()
    } else {
        let name = String::from_utf8_lossy(user).into_owned();
        let shown = vis(user);
        match nix::unistd::User::from_name(&name).ok().flatten() {
            Some(u) => u.dir.into_os_string().into_vec(),
            None => return Err(log.fatal(format!("tilde_expand: No such user {shown}"))),
        }
    };
    let mut out = dir;
    if out.last() != Some(&b'/') {
        out.push(b'/');
    }
    out.extend_from_slice(path);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::ConfigError;
    use super::*;

    #[test]
    fn tokens_variables_and_tilde() {
        let mut log = Log::default();
        let t = [(b'h', b"host".to_vec()), (b'p', b"22".to_vec())];
        assert_eq!(
            percent(b"nc %h %p %%", &t, &mut log).ok(),
            Some(b"nc host 22 %".to_vec())
        );
        assert!(percent(b"nc %u", &t, &mut log).is_err());
        assert_eq!(
            ConfigError::from(log).lines(),
            [
                "vdollar_percent_expand: unknown key %u",
                "percent_expand: failed"
            ]
        );
        let mut log = Log::default();
        assert_eq!(
            percent_dollar(b"${VIRTSH_NO_SUCH_VARIABLE}", &t, &mut log).ok(),
            Some(None)
        );
        assert_eq!(
            ConfigError::from(log).lines(),
            ["vdollar_percent_expand: env var ${VIRTSH_NO_SUCH_VARIABLE} has no value"]
        );
        assert!(!dollar_ok(b"${open", &mut Log::default()));
        let home = Path::new("/home/me");
        let mut log = Log::default();
        assert_eq!(
            tilde(b"~", home, &mut log).ok(),
            Some(b"/home/me/".to_vec())
        );
        assert_eq!(
            tilde(b"~//k", home, &mut log).ok(),
            Some(b"/home/me/k".to_vec())
        );
        assert_eq!(
            tilde(b"~root/k", home, &mut log).ok(),
            Some(b"/root/k".to_vec())
        );
        assert_eq!(tilde(b"a~", home, &mut log).ok(), Some(b"a~".to_vec()));
    }
}
