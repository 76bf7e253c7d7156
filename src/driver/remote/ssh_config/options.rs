//! The values a configuration gives (readconf.c's `Options`, the part virtsh uses) and the
//! checks of each keyword's arguments, made whether the line applies or not, with OpenSSH's
//! words for what it refuses.

use super::criteria::cut;
use super::jump::{parse_jump, Jump};
use super::keywords::{self, Keyword, Shape};
use super::line::Line;
use super::{expand, text, vis, Log};

/// The most identity files and known hosts files OpenSSH takes.
const MAX_IDENTITY_FILES: usize = 100;
const MAX_HOSTS_FILES: usize = 32;

/// Unset until a line sets it; the first value wins.
#[derive(Debug, Default, Clone)]
pub(super) struct Options {
    pub hostname: Option<Vec<u8>>,
    pub user: Option<Vec<u8>>,
    pub port: Option<u16>,
    /// With whether each came from a user's file (duplicates of the same kind are dropped).
    pub identity_files: Vec<(Vec<u8>, bool)>,
    pub identities_only: Option<bool>,
    pub identity_agent: Option<Vec<u8>>,
    pub proxy_command: Option<Vec<u8>>,
    pub jump: Option<Jump>,
    pub user_known_hosts: Option<Vec<Vec<u8>>>,
    pub global_known_hosts: Option<Vec<Vec<u8>>>,
    pub strict_host_key_checking: Option<Vec<u8>>,
    pub host_key_alias: Option<Vec<u8>>,
    pub connect_timeout: Option<u32>,
    pub server_alive_interval: Option<u32>,
    pub server_alive_count_max: Option<u32>,
    pub connection_attempts: Option<u32>,
    pub hash_known_hosts: Option<bool>,
    pub address_family: Option<Vec<u8>>,
    pub ignored_unknown: Option<Vec<u8>>,
    pub tag: Option<Vec<u8>>,
    /// The first value of each keyword virtsh honours only in part, with what it cannot
    /// honour of it (where, and what), if anything.
    pub limited: Vec<(&'static str, Option<String>)>,
}

/// Where a line is, for the messages about it.
pub(super) struct At<'a> {
    pub file: &'a str,
    pub line: usize,
    /// The line is in a user's configuration (not the system's).
    pub user_file: bool,
}

impl At<'_> {
    /// OpenSSH prints the file name with `%.200s` in some messages.
    pub fn short(&self) -> String {
        format!("{} line {}", cut(self.file, 200), self.line)
    }

    pub fn long(&self) -> String {
        format!("{} line {}", self.file, self.line)
    }
}

/// The arguments of a line, taken one by one as readconf.c's `argv_next` takes them.
pub(super) struct Args<'a> {
    items: &'a [Vec<u8>],
    next: usize,
}

impl<'a> Args<'a> {
    pub fn new(items: &'a [Vec<u8>]) -> Args<'a> {
        Args { items, next: 0 }
    }

    pub fn next(&mut self) -> Option<&'a [u8]> {
        let item = self.items.get(self.next)?;
        self.next += 1;
        Some(item)
    }

    pub fn left(&self) -> usize {
        self.items.len() - self.next
    }

    pub fn consume(&mut self) {
        self.next = self.items.len();
    }
}

/// A line OpenSSH refuses (its message logged): it counts toward "bad configuration options".
pub(super) struct Bad;

/// a2port: 1 to 65535 (`+`, leading whitespace, and service names from `/etc/services` too).
pub(super) fn port(arg: &[u8]) -> Option<u16> {
    match strtonum(arg, 65535) {
        Ok(p) => u16::try_from(p).ok().filter(|p| *p > 0),
        Err(_) => service_port(arg).filter(|p| *p > 0),
    }
}

/// A TCP service's port from `/etc/services`.
fn service_port(name: &[u8]) -> Option<u16> {
    let services = crate::sys::read_capped("/etc/services".as_ref(), 4 << 20).ok()?;
    services.split(|b| *b == b'\n').find_map(|line| {
        let line = line.split(|b| *b == b'#').next()?;
        let mut words = line
            .split(|b| b.is_ascii_whitespace())
            .filter(|w| !w.is_empty());
        let first = words.next()?;
        let (port, proto) = text(words.next()?)
            .split_once('/')
            .map(|(p, q)| (p.to_string(), q.to_string()))?;
        let named = first == name || words.any(|alias| alias == name);
        (named && proto == "tcp")
            .then(|| port.parse().ok())
            .flatten()
    })
}

/// OpenBSD's `strtonum` from 0 to `max`, with its error words.
fn strtonum(arg: &[u8], max: i64) -> Result<i64, &'static str> {
    let s = text(arg);
    // strtoll skips C's white space (isspace), which has \v too.
    let trimmed = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (negative, digits) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("invalid");
    }
    let value = match digits.parse::<i64>() {
        Ok(v) if negative => -v,
        Ok(v) => v,
        Err(_) if negative => return Err("too small"),
        Err(_) => return Err("too large"),
    };
    match value {
        v if v < 0 => Err("too small"),
        v if v > max => Err("too large"),
        v => Ok(v),
    }
}

/// misc.c's `convtime`: `90`, `1h30m`, units s m h d w in either case.
fn convtime(arg: &[u8]) -> Option<u32> {
    if arg.is_empty() {
        return None;
    }
    let mut total: u32 = 0;
    let mut rest = arg;
    while !rest.is_empty() {
        let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let value = u32::try_from(strtonum(&rest[..n], i32::MAX.into()).ok()?).ok()?;
        let (multiplier, used) = match rest.get(n).map(u8::to_ascii_lowercase) {
            None => (1, n),
            Some(b's') => (1, n + 1),
            Some(b'm') => (60, n + 1),
            Some(b'h') => (3600, n + 1),
            Some(b'd') => (86400, n + 1),
            Some(b'w') => (604800, n + 1),
            Some(_) => return None,
        };
        let secs = value
            .checked_mul(multiplier)
            .filter(|s| *s <= i32::MAX as u32)?;
        total = total.checked_add(secs).filter(|t| *t <= i32::MAX as u32)?;
        rest = &rest[used..];
    }
    Some(total)
}

impl Options {
    /// One setting's line: checked, and taken when `active`. Its arguments left over are the
    /// caller's to refuse.
    pub fn apply(
        &mut self,
        keyword: Keyword,
        line: &Line,
        args: &mut Args<'_>,
        active: bool,
        at: &At<'_>,
        log: &mut Log,
    ) -> Result<(), Bad> {
        let name = vis(&line.keyword);
        let missing = |log: &mut Log| {
            log.error(format!("{}: Missing argument.", at.short()));
            Bad
        };
        match keyword {
            Keyword::HostName
            | Keyword::User
            | Keyword::HostKeyAlias
            | Keyword::Tag
            | Keyword::IgnoreUnknown => {
                let arg = args
                    .next()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| missing(log))?;
                let slot = match keyword {
                    Keyword::HostName => &mut self.hostname,
                    Keyword::User => &mut self.user,
                    Keyword::HostKeyAlias => &mut self.host_key_alias,
                    Keyword::Tag => &mut self.tag,
                    _ => &mut self.ignored_unknown,
                };
                if active && slot.is_none() {
                    *slot = Some(arg.to_vec());
                }
            }
            Keyword::Port => {
                let arg = args
                    .next()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| missing(log))?;
                let Some(port) = port(arg) else {
                    log.error(format!("{}: Bad port '{}'.", at.short(), vis(arg)));
                    return Err(Bad);
                };
                if active && self.port.is_none() {
                    self.port = Some(port);
                }
            }
            Keyword::IdentityFile => {
                let arg = args
                    .next()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| missing(log))?;
                if active {
                    if self.identity_files.len() >= MAX_IDENTITY_FILES {
                        log.error(format!(
                            "{}: Too many identity files specified (max {MAX_IDENTITY_FILES}).",
                            at.short()
                        ));
                        return Err(Bad);
                    }
                    let entry = (arg.to_vec(), at.user_file);
                    if !self.identity_files.contains(&entry) {
                        self.identity_files.push(entry);
                    }
                }
            }
            Keyword::IdentityAgent => {
                let arg = args
                    .next()
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| missing(log))?;
                if !expand::dollar_ok(arg, log) {
                    log.error(format!(
                        "{}: Invalid environment expansion {}.",
                        at.short(),
                        vis(arg)
                    ));
                    return Err(Bad);
                }
                let legacy_bad = arg.first() == Some(&b'$')
                    && arg.get(1) != Some(&b'{')
                    && !(arg.len() > 1
                        && arg[1..]
                            .iter()
                            .all(|b| b.is_ascii_alphanumeric() || *b == b'_'));
                if legacy_bad {
                    log.error(format!(
                        "{}: Invalid environment name {}.",
                        at.short(),
                        vis(arg)
                    ));
                    return Err(Bad);
                }
                if active && self.identity_agent.is_none() {
                    self.identity_agent = Some(arg.to_vec());
                }
            }
            Keyword::IdentitiesOnly
            | Keyword::HashKnownHosts
            | Keyword::StrictHostKeyChecking
            | Keyword::AddressFamily => {
                let choices = match keyword {
                    Keyword::StrictHostKeyChecking => keywords::STRICT_HOST_KEY,
                    Keyword::AddressFamily => keywords::ADDRESS_FAMILY,
                    _ => keywords::FLAG,
                };
                let arg = choice(args, choices, at, log)?;
                let yes = keywords::one_of(arg, &["true", "yes"]);
                match keyword {
                    Keyword::IdentitiesOnly if active && self.identities_only.is_none() => {
                        self.identities_only = Some(yes);
                    }
                    Keyword::HashKnownHosts if active && self.hash_known_hosts.is_none() => {
                        self.hash_known_hosts = Some(yes);
                    }
                    Keyword::StrictHostKeyChecking
                        if active && self.strict_host_key_checking.is_none() =>
                    {
                        self.strict_host_key_checking = Some(arg.to_vec());
                    }
                    Keyword::AddressFamily if active && self.address_family.is_none() => {
                        self.address_family = Some(arg.to_ascii_lowercase());
                    }
                    _ => {}
                }
            }
            Keyword::ConnectTimeout | Keyword::ServerAliveInterval => {
                let value = time(args, at, log)?;
                let slot = match keyword {
                    Keyword::ConnectTimeout => &mut self.connect_timeout,
                    _ => &mut self.server_alive_interval,
                };
                if active && slot.is_none() {
                    *slot = value;
                }
            }
            Keyword::ServerAliveCountMax | Keyword::ConnectionAttempts => {
                let value = int(args, at, log)?;
                let slot = match keyword {
                    Keyword::ServerAliveCountMax => &mut self.server_alive_count_max,
                    _ => &mut self.connection_attempts,
                };
                if active && slot.is_none() {
                    *slot = Some(value);
                    // virtsh makes one attempt: more would be asked for and not made.
                    if keyword == Keyword::ConnectionAttempts && value > 1 {
                        let refused = unsupported(at, "ConnectionAttempts", &value.to_string());
                        self.limited.push(("ConnectionAttempts", Some(refused)));
                    }
                }
            }
            Keyword::UserKnownHostsFile | Keyword::GlobalKnownHostsFile => {
                let files = file_list(args, &name, Some(MAX_HOSTS_FILES), at, log)?;
                let slot = match keyword {
                    Keyword::UserKnownHostsFile => &mut self.user_known_hosts,
                    _ => &mut self.global_known_hosts,
                };
                if active && slot.is_none() && !files.is_empty() {
                    *slot = Some(files);
                }
            }
            Keyword::ProxyCommand => {
                // The raw rest of the line: quotes, spacing and comments kept.
                let command = raw_rest(&line.rest);
                // A ProxyJump given first wins (and sets the command to none).
                if active && self.jump.is_none() && self.proxy_command.is_none() {
                    self.proxy_command = Some(command.to_vec());
                }
                args.consume();
            }
            Keyword::ProxyJump => {
                let raw = raw_rest(&line.rest);
                let Some(jump) = parse_jump(raw) else {
                    log.error(format!(
                        "{}: Invalid ProxyJump \"{}\"",
                        at.short(),
                        vis(raw)
                    ));
                    return Err(Bad);
                };
                // A ProxyCommand given first wins.
                if active && self.proxy_command.is_none() && self.jump.is_none() {
                    if !jump.is_none() {
                        self.proxy_command = Some(b"none".to_vec());
                    }
                    self.jump = Some(jump);
                }
                args.consume();
            }
            Keyword::Limited(documented, shape, honoured) => {
                let value = other(shape, &name, args, at, log)?;
                let first = !self.limited.iter().any(|(k, _)| *k == documented);
                if active && first {
                    let refused = (!keywords::one_of(&value, honoured))
                        .then(|| unsupported(at, documented, &vis(&value)));
                    self.limited.push((documented, refused));
                }
            }
            Keyword::Other(shape) => {
                other(shape, &name, args, at, log)?;
            }
        }
        Ok(())
    }

    /// The first setting virtsh cannot honour, in its words.
    pub fn unhonoured(&self) -> Option<String> {
        self.limited.iter().find_map(|(_, refused)| refused.clone())
    }
}

/// What virtsh says of a setting it cannot honour.
fn unsupported(at: &At<'_>, keyword: &str, value: &str) -> String {
    format!("{}: virtsh does not support {keyword} {value}", at.long())
}

/// What `ProxyCommand` and `ProxyJump` take: the rest after any whitespace and `=`.
fn raw_rest(rest: &[u8]) -> &[u8] {
    let skip = rest.iter().take_while(|b| b" \t\r\n=".contains(b)).count();
    &rest[skip..]
}

/// readconf.c's `parse_multistate`: one of `choices`.
fn choice<'a>(
    args: &mut Args<'a>,
    choices: &[&str],
    at: &At<'_>,
    log: &mut Log,
) -> Result<&'a [u8], Bad> {
    let arg = args.next();
    let known = arg.filter(|a| !a.is_empty() && keywords::one_of(a, choices));
    if let Some(a) = known {
        return Ok(a);
    }
    if arg.is_none_or(<[u8]>::is_empty) {
        log.error(format!("{}: missing argument.", at.long()));
    }
    let shown = arg.map_or_else(|| "(null)".to_string(), vis);
    log.error(format!("{}: unsupported option \"{shown}\".", at.long()));
    Err(Bad)
}

/// A time in seconds; none for `none`.
fn time(args: &mut Args<'_>, at: &At<'_>, log: &mut Log) -> Result<Option<u32>, Bad> {
    let Some(arg) = args.next().filter(|a| !a.is_empty()) else {
        log.error(format!("{}: missing time value.", at.long()));
        return Err(Bad);
    };
    if arg == b"none" {
        return Ok(None);
    }
    match convtime(arg) {
        Some(t) => Ok(Some(t)),
        None => {
            log.error(format!("{}: invalid time value.", at.long()));
            Err(Bad)
        }
    }
}

fn int(args: &mut Args<'_>, at: &At<'_>, log: &mut Log) -> Result<u32, Bad> {
    let result = match args.next().filter(|a| !a.is_empty()) {
        None => Err("missing"),
        Some(a) => strtonum(a, i32::MAX.into()),
    };
    result.map(|v| v as u32).map_err(|why| {
        log.error(format!("{}: integer value {why}.", at.long()));
        Bad
    })
}

/// readconf.c's `parse_char_array`: non-empty names, `none` alone, at most `max` of them.
fn file_list(
    args: &mut Args<'_>,
    name: &str,
    max: Option<usize>,
    at: &At<'_>,
    log: &mut Log,
) -> Result<Vec<Vec<u8>>, Bad> {
    let mut files = Vec::new();
    while let Some(arg) = args.next() {
        if arg.is_empty() {
            log.error(format!("{}: keyword {name} empty argument", at.long()));
            return Err(Bad);
        }
        if arg.eq_ignore_ascii_case(b"none") && (!files.is_empty() || args.left() > 0) {
            log.error(format!(
                "{}: keyword {name} \"none\" argument must appear alone.",
                at.long()
            ));
            return Err(Bad);
        }
        if max.is_some_and(|max| files.len() >= max) {
            log.error(format!("{}: too many {name} entries.", at.long()));
            return Err(Bad);
        }
        files.push(arg.to_vec());
    }
    Ok(files)
}

/// A keyword virtsh does not use (or honours only in part), checked as far as its shape
/// goes; its value as written (its arguments joined by spaces).
fn other(
    shape: Shape,
    name: &str,
    args: &mut Args<'_>,
    at: &At<'_>,
    log: &mut Log,
) -> Result<Vec<u8>, Bad> {
    let one = |arg: &[u8]| arg.to_vec();
    match shape {
        Shape::Choice(choices) => choice(args, choices, at, log).map(one),
        Shape::Int => int(args, at, log).map(|v| v.to_string().into_bytes()),
        Shape::Time => {
            time(args, at, log).map(|t| t.map_or(b"none".to_vec(), |t| t.to_string().into_bytes()))
        }
        Shape::Text => match args.next().filter(|a| !a.is_empty()) {
            Some(arg) => Ok(one(arg)),
            None => {
                log.error(format!("{}: Missing argument.", at.short()));
                Err(Bad)
            }
        },
        Shape::List => file_list(args, name, None, at, log).map(|l| l.join(&b' ')),
        Shape::Unsupported => {
            log.error(format!("{}: Unsupported option \"{name}\"", at.long()));
            args.consume();
            Ok(Vec::new())
        }
        Shape::Any => {
            let mut all = Vec::new();
            while let Some(arg) = args.next() {
                all.push(arg);
            }
            Ok(all.join(&b' '))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_ports_and_times() {
        assert_eq!(port(b"22"), Some(22));
        assert_eq!(port(b"+22"), Some(22));
        assert_eq!(port(b" 22"), Some(22));
        assert_eq!(port(b"ssh"), Some(22));
        assert_eq!(port(b"99999"), None);
        assert_eq!(port(b"0"), None);
        assert_eq!(port(b"-1"), None);
        assert_eq!(port(b"22x"), None);
        assert_eq!(convtime(b"90"), Some(90));
        assert_eq!(convtime(b"1h30M"), Some(5400));
        assert_eq!(convtime(b"1x"), None);
        assert_eq!(convtime(b"m"), None);
        assert_eq!(strtonum(b"2147483648", i32::MAX.into()), Err("too large"));
        assert_eq!(strtonum(b"-3", 10), Err("too small"));
    }
}
