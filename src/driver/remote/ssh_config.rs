//! OpenSSH's client configuration (`~/.ssh/config`, then `/etc/ssh/ssh_config`), read as
//! `ssh` reads it (ssh_config(5)): keywords in any case, `key value` or `key=value`, quoted
//! arguments; `Host` blocks with `*`/`?` patterns and `!` negation, `Match` (`all`, `host`,
//! `originalhost`, `user`, `localuser`); `Include` with globs; for each keyword the first value
//! obtained wins, except `IdentityFile`, which accumulates.

use std::path::{Path, PathBuf};

/// What the configuration says for one destination. Paths are expanded (`~`, `%d`, `%h`,
/// `%u`, `%r`, `%p`, `%n`, `%%`) once the destination is known ([`HostConfig::expand`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostConfig {
    pub host_name: Option<String>,
    pub user: Option<String>,
    pub port: Option<u16>,
    pub identity_files: Vec<String>,
    pub identities_only: Option<bool>,
    pub identity_agent: Option<String>,
    pub proxy_jump: Option<String>,
    pub proxy_command: Option<String>,
    pub user_known_hosts: Option<Vec<String>>,
    pub global_known_hosts: Option<Vec<String>>,
    pub strict_host_key_checking: Option<String>,
    pub host_key_alias: Option<String>,
    pub connect_timeout: Option<u64>,
    pub server_alive_interval: Option<u64>,
    pub server_alive_count_max: Option<u32>,
}

/// Where the files are: the user's config (`~/.ssh/config`) and the system's.
pub struct Sources {
    pub home: PathBuf,
    pub user_file: PathBuf,
    pub system_file: PathBuf,
    pub local_user: String,
}

impl Sources {
    pub fn standard(home: &Path, local_user: &str) -> Sources {
        Sources {
            home: home.to_path_buf(),
            user_file: home.join(".ssh/config"),
            system_file: PathBuf::from("/etc/ssh/ssh_config"),
            local_user: local_user.to_string(),
        }
    }
}

/// OpenSSH's wildcard match: `*` any run, `?` one character; host names without case.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (
        pattern.to_lowercase().chars().collect(),
        text.to_lowercase().chars().collect(),
    );
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// A pattern list (`a,b,!c` or words): some positive pattern matches and no negated one.
fn pattern_list<'a>(patterns: impl Iterator<Item = &'a str>, text: &str) -> bool {
    let mut matched = false;
    for p in patterns {
        if let Some(neg) = p.strip_prefix('!') {
            if wildcard(neg, text) {
                return false;
            }
        } else if wildcard(p, text) {
            matched = true;
        }
    }
    matched
}

/// The words of a line: whitespace separated, `"quoted words"` kept whole, the first word
/// ending at `=` too.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            '=' if out.is_empty() && !quoted => {
                if started {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            c if c.is_whitespace() && !quoted => {
                if started {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            c => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(cur);
    }
    out
}

fn yes(v: &str) -> Option<bool> {
    match v.to_lowercase().as_str() {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

/// Reads the configuration for destination `host`.
pub fn resolve(host: &str, sources: &Sources) -> HostConfig {
    let mut cfg = HostConfig::default();
    let mut reader = Reader {
        original: host.to_string(),
        sources,
        depth: 0,
    };
    let user_dir = sources.home.join(".ssh");
    reader.file(&sources.user_file, &user_dir, &mut cfg);
    reader.file(&sources.system_file, Path::new("/etc/ssh"), &mut cfg);
    cfg
}

struct Reader<'a> {
    original: String,
    sources: &'a Sources,
    depth: u32,
}

impl Reader<'_> {
    fn file(&mut self, path: &Path, dir: &Path, cfg: &mut HostConfig) {
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        // Lines before the first Host or Match apply to every host.
        let mut active = true;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let w = words(line);
            let Some((key, args)) = w.split_first() else {
                continue;
            };
            match key.to_lowercase().as_str() {
                "host" => active = pattern_list(args.iter().map(String::as_str), &self.original),
                "match" => active = self.match_line(args, cfg),
                "include" if active => {
                    for a in args {
                        self.include(a, dir, cfg);
                    }
                }
                _ if active => set(cfg, key, args),
                _ => {}
            }
        }
    }

    /// `Match` criteria, all of which must hold; unknown ones (`exec`, ...) never do.
    fn match_line(&self, args: &[String], cfg: &HostConfig) -> bool {
        let host = cfg
            .host_name
            .clone()
            .unwrap_or_else(|| self.original.clone());
        let mut i = 0;
        while i < args.len() {
            let crit = args[i].to_lowercase();
            let (negate, crit) = match crit.strip_prefix('!') {
                Some(c) => (true, c.to_string()),
                None => (false, crit),
            };
            let holds = match crit.as_str() {
                "all" => true,
                "host" | "originalhost" | "user" | "localuser" => {
                    let Some(list) = args.get(i + 1) else {
                        return false;
                    };
                    i += 1;
                    let subject = match crit.as_str() {
                        "host" => host.clone(),
                        "originalhost" => self.original.clone(),
                        "user" => cfg.user.clone().unwrap_or_default(),
                        _ => self.sources.local_user.clone(),
                    };
                    pattern_list(list.split(','), &subject)
                }
                _ => false,
            };
            if holds == negate {
                return false;
            }
            i += 1;
        }
        true
    }

    /// `Include`: relative paths from the including file's directory (`~/.ssh` or
    /// `/etc/ssh`); globs in the last part.
    fn include(&mut self, pattern: &str, dir: &Path, cfg: &mut HostConfig) {
        if self.depth >= 16 {
            return;
        }
        let expanded = tilde(pattern, &self.sources.home);
        let path = if Path::new(&expanded).is_absolute() {
            PathBuf::from(expanded)
        } else {
            dir.join(expanded)
        };
        let (parent, name) = (
            path.parent().unwrap_or(Path::new("/")).to_path_buf(),
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        let mut files: Vec<PathBuf> = if name.contains(['*', '?']) {
            std::fs::read_dir(&parent)
                .map(|rd| {
                    rd.flatten()
                        .filter(|e| wildcard(&name, &e.file_name().to_string_lossy()))
                        .map(|e| e.path())
                        .collect()
                })
                .unwrap_or_default()
        } else {
            vec![path]
        };
        files.sort();
        self.depth += 1;
        for f in files {
            self.file(&f, dir, cfg);
        }
        self.depth -= 1;
    }
}

/// One keyword's value, unless an earlier line gave it.
fn set(cfg: &mut HostConfig, key: &str, args: &[String]) {
    let Some(first) = args.first().cloned() else {
        return;
    };
    let keep = |slot: &mut Option<String>| {
        slot.get_or_insert(first.clone());
    };
    match key.to_lowercase().as_str() {
        "hostname" => keep(&mut cfg.host_name),
        "user" => keep(&mut cfg.user),
        "port" => cfg.port = cfg.port.or_else(|| first.parse().ok()),
        "identityfile" => cfg.identity_files.push(first),
        "identitiesonly" => {
            cfg.identities_only = cfg.identities_only.or_else(|| yes(&first));
        }
        "identityagent" => keep(&mut cfg.identity_agent),
        "proxyjump" => keep(&mut cfg.proxy_jump),
        "proxycommand" => {
            cfg.proxy_command.get_or_insert(args.join(" "));
        }
        "userknownhostsfile" => {
            cfg.user_known_hosts.get_or_insert(args.to_vec());
        }
        "globalknownhostsfile" => {
            cfg.global_known_hosts.get_or_insert(args.to_vec());
        }
        "stricthostkeychecking" => keep(&mut cfg.strict_host_key_checking),
        "hostkeyalias" => keep(&mut cfg.host_key_alias),
        "connecttimeout" => {
            cfg.connect_timeout = cfg.connect_timeout.or_else(|| first.parse().ok());
        }
        "serveraliveinterval" => {
            cfg.server_alive_interval = cfg.server_alive_interval.or_else(|| first.parse().ok());
        }
        "serveralivecountmax" => {
            cfg.server_alive_count_max = cfg.server_alive_count_max.or_else(|| first.parse().ok());
        }
        _ => {}
    }
}

fn tilde(path: &str, home: &Path) -> String {
    match path.strip_prefix("~/") {
        Some(rest) => home.join(rest).display().to_string(),
        None if path == "~" => home.display().to_string(),
        None => path.to_string(),
    }
}

/// What `%` tokens stand for in one connection.
pub struct Tokens<'a> {
    pub home: &'a Path,
    pub local_user: &'a str,
    pub remote_user: &'a str,
    pub host: &'a str,
    pub original: &'a str,
    pub port: u16,
}

impl Tokens<'_> {
    /// `path` with `~` and the `%` tokens expanded, as ssh expands paths and commands.
    pub fn expand(&self, text: &str) -> String {
        let text = tilde(text, self.home);
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('%') => out.push('%'),
                Some('d') => out.push_str(&self.home.display().to_string()),
                Some('h') => out.push_str(self.host),
                Some('n') => out.push_str(self.original),
                Some('p') => out.push_str(&self.port.to_string()),
                Some('r') => out.push_str(self.remote_user),
                Some('u') => out.push_str(self.local_user),
                Some(other) => {
                    out.push('%');
                    out.push(other);
                }
                None => out.push('%'),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
