//! The server's host key against the known hosts files, with libvirt's `known_hosts_verify`
//! policies (from the URI, else from `StrictHostKeyChecking`): a key a `@revoked` line marks
//! for the host is refused (in ssh's words), a matching key is taken, a different one refused,
//! an unknown one refused or appended to the user's first file as the policy says (under a
//! hashed name with `HashKnownHosts`, as ssh writes it). libssh2 matches the keys; the marker
//! lines it cannot read are read here.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use ssh2::{CheckResult, HashType, HostKeyType, KnownHostFileKind, KnownHosts, Session};

use super::ssh::{path, ssh_error};
use super::ssh_config::{self, HostConfig, Strict};
use crate::error::{Error, Result};
use crate::uri::Uri;

/// The most of a known hosts file read.
const KNOWN_HOSTS_CAP: usize = 64 << 20;

const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The name a host key is looked up under, as OpenSSH names it: `HostKeyAlias` as it is,
/// else the host, as `[host]:port` for a port other than 22. Also the port to look up (22:
/// none).
pub fn key_name(cfg: &HostConfig) -> (String, u16) {
    match &cfg.host_key_alias {
        Some(alias) => (alias.clone(), 22),
        None if cfg.port == 22 => (cfg.host_name.clone(), 22),
        None => (format!("[{}]:{}", cfg.host_name, cfg.port), cfg.port),
    }
}

/// Checks the session's host key for the host `cfg` describes.
pub fn verify(session: &Session, cfg: &HostConfig, uri: Option<&Uri>) -> Result<()> {
    let from_uri = uri.and_then(|u| {
        if u.param("no_verify") == Some("1") {
            Some("ignore".to_string())
        } else {
            u.param("known_hosts_verify").map(String::from)
        }
    });
    let policy = from_uri.unwrap_or_else(|| {
        match cfg.strict_host_key_checking {
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
        None => cfg.user_known_hosts.iter().map(|f| path(f)).collect(),
    };
    let global_files: Vec<PathBuf> = cfg.global_known_hosts.iter().map(|f| path(f)).collect();
    let (key, kind) = session
        .host_key()
        .ok_or_else(|| ssh_error(format!("{}: the server sent no host key", cfg.host_name)))?;
    let fingerprint = session
        .host_key_hash(HashType::Sha256)
        .map(|h| {
            format!(
                "SHA256:{}",
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(h)
            )
        })
        .unwrap_or_default();
    let (shown, port) = key_name(cfg);
    let mut known = session
        .known_hosts()
        .map_err(|e| ssh_error(format!("known_hosts: {e}")))?;
    let mut revoked = false;
    for f in user_files.iter().chain(&global_files) {
        revoked |= read(&mut known, f, &shown, key)?;
    }
    // As ssh: a revoked key is refused before anything else is made of it. (ssh goes on with
    // `StrictHostKeyChecking no`, less safely; virtsh has no such mode, and never takes it.)
    if revoked {
        return Err(ssh_error(format!(
            "The {} host key for {shown} is marked as revoked. This could mean that a stolen \
             key is being used to impersonate this host.",
            type_name(kind)
        )));
    }
    let file = user_files.first().cloned().unwrap_or_default();
    let checked = match &cfg.host_key_alias {
        Some(alias) => known.check(alias, key),
        None => known.check_port(&cfg.host_name, port, key),
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
            append(&file, &shown, key, cfg.hash_known_hosts).map_err(|e| {
                Error::system(format!("cannot add the host key to {}", file.display()), &e)
            })
        }
        CheckResult::NotFound => Err(ssh_error(format!(
            "the host key of {shown} ({fingerprint}) is not known: check it and add it to {} \
             (ssh-keyscan -p {} {} >> {}), or use known_hosts_verify=auto",
            file.display(),
            cfg.port,
            cfg.host_name,
            file.display()
        ))),
        CheckResult::Failure => Err(ssh_error(format!("cannot check the host key of {shown}"))),
    }
}

/// sshkey_type's name for the kind of key, as ssh's messages say it.
fn type_name(kind: HostKeyType) -> &'static str {
    match kind {
        HostKeyType::Rsa => "RSA",
        HostKeyType::Dss => "DSA",
        HostKeyType::Ecdsa256 | HostKeyType::Ecdsa384 | HostKeyType::Ecdsa521 => "ECDSA",
        HostKeyType::Ed25519 => "ED25519",
        HostKeyType::Unknown => "unknown",
    }
}

/// A known hosts file's entries, line by line, into `known` (one that is not there has none;
/// lines libssh2 cannot take, such as marker lines, are passed over by it); whether one of its
/// `@revoked` lines names `key` for `name`.
fn read(known: &mut KnownHosts, file: &Path, name: &str, key: &[u8]) -> Result<bool> {
    let bytes = match crate::sys::read_capped(file, KNOWN_HOSTS_CAP) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::system(format!("cannot read {}", file.display()), &e)),
    };
    let mut revoked = false;
    for line in bytes.split(|b| *b == b'\n') {
        revoked |= revokes(line, name.as_bytes(), key);
        if let Ok(line) = std::str::from_utf8(line) {
            let _ = known.read_str(line, KnownHostFileKind::OpenSSH);
        }
    }
    Ok(revoked)
}

/// Whether `line` is `@revoked HOSTS TYPE KEY`, its hosts taking `name` (hostfile.c's
/// `check_markers` and `match_maybe_hashed`) and its key `key`.
fn revokes(line: &[u8], name: &[u8], key: &[u8]) -> bool {
    let mut words = line
        .split(|b| *b == b' ' || *b == b'\t' || *b == b'\r')
        .filter(|w| !w.is_empty());
    if words.next() != Some(b"@revoked".as_slice()) {
        return false;
    }
    let (Some(hosts), Some(_kind), Some(blob)) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    BASE64.decode(blob).is_ok_and(|b| b == key) && host_matches(hosts, name)
}

/// A known hosts line's host field against `name`: a hashed name (`|1|SALT|HASH`), or
/// patterns as ssh matches host names.
fn host_matches(hosts: &[u8], name: &[u8]) -> bool {
    let Some(hashed) = hosts.strip_prefix(b"|1|") else {
        return ssh_config::hostname_matches(name, hosts);
    };
    let mut parts = hashed.splitn(2, |b| *b == b'|');
    let (Some(salt), Some(hash)) = (parts.next(), parts.next()) else {
        return false;
    };
    match (BASE64.decode(salt), BASE64.decode(hash)) {
        (Ok(salt), Ok(hash)) => hmac_sha1(&salt, name).is_some_and(|h| h == hash),
        _ => false,
    }
}

fn hmac_sha1(salt: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    let key = openssl::pkey::PKey::hmac(salt).ok()?;
    let mut signer = openssl::sign::Signer::new(openssl::hash::MessageDigest::sha1(), &key).ok()?;
    signer.update(name).ok()?;
    signer.sign_to_vec().ok()
}

/// `name` as ssh writes it with `HashKnownHosts`: `|1|SALT|HMAC-SHA1(SALT, name)`.
fn hashed(name: &str) -> std::io::Result<String> {
    let mut salt = [0u8; 20];
    openssl::rand::rand_bytes(&mut salt).map_err(std::io::Error::other)?;
    let hash = hmac_sha1(&salt, name.as_bytes())
        .ok_or_else(|| std::io::Error::other("HMAC-SHA1 failed"))?;
    Ok(format!(
        "|1|{}|{}",
        BASE64.encode(salt),
        BASE64.encode(hash)
    ))
}

/// Appends `name KEYTYPE KEY` to `file` as ssh's `add_host_to_hostfile` does (a newline first
/// when the file does not end with one), in one write: what others wrote meanwhile stays, as
/// every line the file had.
fn append(file: &Path, name: &str, key: &[u8], hash: bool) -> std::io::Result<()> {
    let kind = key_kind(key).ok_or_else(|| std::io::Error::other("malformed host key"))?;
    let name = match hash {
        true => hashed(name)?,
        false => name.to_string(),
    };
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(file)?;
    let mut last = [0u8; 1];
    let ends_open =
        f.seek(SeekFrom::End(-1)).is_ok() && f.read(&mut last)? == 1 && last[0] != b'\n';
    let line = format!(
        "{}{name} {kind} {}\n",
        if ends_open { "\n" } else { "" },
        BASE64.encode(key)
    );
    f.write_all(line.as_bytes())
}

/// The key type a public key blob names (its first string).
fn key_kind(blob: &[u8]) -> Option<&str> {
    let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
    std::str::from_utf8(blob.get(4..4usize.checked_add(len)?)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(kind: &str, body: &[u8]) -> Vec<u8> {
        let mut b = (kind.len() as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind.as_bytes());
        b.extend_from_slice(body);
        b
    }

    #[test]
    fn revoked_lines_name_the_key_for_the_host() {
        let key = blob("ssh-ed25519", b"0123");
        let other = blob("ssh-ed25519", b"4567");
        let line =
            |hosts: &str, k: &[u8]| format!("@revoked {hosts} ssh-ed25519 {}", BASE64.encode(k));
        let name = b"[127.0.0.1]:2222";
        assert!(revokes(line("*", &key).as_bytes(), name, &key));
        assert!(revokes(
            line("a,[127.0.0.1]:*", &key).as_bytes(),
            name,
            &key
        ));
        assert!(!revokes(line("*", &other).as_bytes(), name, &key));
        assert!(!revokes(
            line("*,![127.0.0.1]:2222", &key).as_bytes(),
            name,
            &key
        ));
        assert!(!revokes(line("127.0.0.1", &key).as_bytes(), name, &key));
        // Only the marker itself, as written, marks.
        let plain = format!("* ssh-ed25519 {}", BASE64.encode(&key));
        assert!(!revokes(plain.as_bytes(), name, &key));
        assert!(!revokes(
            format!("@cert-authority {plain}").as_bytes(),
            name,
            &key
        ));
        // A hashed name, as ssh writes it.
        let h = hashed("[127.0.0.1]:2222").unwrap();
        assert!(revokes(line(&h, &key).as_bytes(), name, &key));
        assert!(!revokes(line(&h, &key).as_bytes(), b"other", &key));
    }

    #[test]
    fn entries_are_appended_as_ssh_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("known_hosts");
        let key = blob("ssh-ed25519", b"0123");
        std::fs::write(&file, "@revoked * ssh-rsa AAAA\n# kept\nlast").unwrap();
        append(&file, "h", &key, false).unwrap();
        append(&file, "[h]:2", &key, true).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let encoded = BASE64.encode(&key);
        assert_eq!(
            lines[..4],
            [
                "@revoked * ssh-rsa AAAA",
                "# kept",
                "last",
                &format!("h ssh-ed25519 {encoded}")
            ]
        );
        let (name, rest) = lines[4].split_once(' ').unwrap();
        assert_eq!(rest, format!("ssh-ed25519 {encoded}"));
        assert!(name.starts_with("|1|") && host_matches(name.as_bytes(), b"[h]:2"));
        assert!(text.ends_with('\n'));
    }
}
