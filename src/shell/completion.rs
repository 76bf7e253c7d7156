//! Completion of a partial command line: command names, the options a command has not been
//! given yet, and option values: live object names as the command declares them
//! (`virtsh_commands::complete::Values`: `start` offers inactive domains, `vol-info --pool P`
//! the volumes of P), file names, and fixed lists. Which option a word fills is decided by
//! the parser's own [`Scan`], so completion and parsing never disagree.
//!
//! One engine serves the interactive shell's TAB key, the hidden `complete` command (virsh's
//! entry point for shell completion scripts) and the generated shell scripts.

use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;

use clap_complete::env::CompleteEnv;
use virtsh_commands::complete::{Activity, DomainFilter, Values};
use virtsh_commands::generate::{completion_model, ValueSource, COMPLETE_VAR};
use virtsh_commands::parse::{OptKind, Scan};
use virtsh_commands::{find, CommandDef, COMMANDS};

use crate::driver::Connection;
use crate::types::{DomainListFlags, NetworkListFlags, PoolListFlags};

/// What to offer for an empty word where a value may go. virsh's `complete` offers the
/// remaining options; the interactive shell offers the values first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyWord {
    Options,
    ValuesThenOptions,
}

/// The scan of the words typed before the current one. Like virsh, words that do not parse
/// (an unknown option) count as nothing given.
fn scan_given(def: &'static CommandDef, given: &[String]) -> Scan {
    let mut scan = Scan::new(def);
    for w in given {
        if scan.feed(&OsString::from(w)).is_err() {
            return Scan::new(def);
        }
    }
    scan
}

/// Candidates for the last of `words` (the word being typed; empty after a space).
pub fn complete(words: &[String], conn: Option<&Connection>, empty: EmptyWord) -> Vec<String> {
    let Some((current, before)) = words.split_last() else {
        return command_names("");
    };
    if before.is_empty() {
        return command_names(current);
    }
    let Some(def) = find(&before[0]) else {
        return Vec::new();
    };
    let scan = scan_given(def, &before[1..]);
    if current.starts_with('-') && scan.pending.is_none() {
        return option_names(&scan, current);
    }
    // The option the word fills: the one named just before it, else the next positional.
    let target = scan.pending.or_else(|| scan.next_slot());
    let values = || -> Vec<String> {
        target
            .map(|i| values_for(def, &scan.opts[i].name, &scan, conn, current))
            .unwrap_or_default()
    };
    match (current.is_empty(), empty, scan.pending.is_some()) {
        (true, EmptyWord::Options, false) => option_names(&scan, ""),
        (true, _, pending) => {
            let mut out = values();
            if !pending {
                out.extend(option_names(&scan, ""));
            }
            out
        }
        (false, _, _) => values(),
    }
}

/// Values of option `opt` of command `cmd` that start with `prefix`; `given` holds the words
/// of the command typed so far (for `vol-* --pool P`).
pub fn values(
    cmd: &str,
    opt: &str,
    given: &[String],
    conn: Option<&Connection>,
    prefix: &str,
) -> Vec<String> {
    let Some(def) = find(cmd) else {
        return Vec::new();
    };
    let scan = scan_given(def, given);
    values_for(def, opt, &scan, conn, prefix)
}

/// The entry point of the generated shell completion scripts: `COMPLETE=<shell> virtsh --
/// WORDS...` prints candidates and exits (clap_complete's protocol); object names come from
/// a read-only connection to the URI the words (or the environment) name.
pub fn shell_entry_point() {
    if std::env::var_os(COMPLETE_VAR).is_none() {
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let words: Vec<String> = match args.iter().position(|a| a == "--") {
        Some(i) => args[i + 2..].to_vec(),
        None => Vec::new(),
    };
    let mut uri = None;
    let mut i = 0;
    while i < words.len() && words[i].starts_with('-') {
        match words[i].as_str() {
            "-c" | "--connect" => {
                uri = words.get(i + 1).cloned();
                i += 1;
            }
            w => {
                if let Some(u) = w.strip_prefix("--connect=") {
                    uri = Some(u.to_string());
                }
            }
        }
        i += 1;
    }
    let uri = uri.or_else(|| crate::connect::named_uri(|k| std::env::var(k).ok()));
    let command_words = words.get(i..).map(<[String]>::to_vec).unwrap_or_default();
    let keepalive = crate::driver::remote::Keepalive {
        interval: 0,
        count: 0,
    };
    let source: ValueSource = Arc::new(move |cmd, opt, current| {
        let given = command_words
            .get(1..command_words.len().saturating_sub(1))
            .unwrap_or_default();
        // Names come from a hypervisor that exists; the embedded default is not made for it.
        let resolved = crate::client_conf::load()
            .and_then(|conf| {
                crate::connect::resolve(uri.as_deref(), |k| std::env::var(k).ok(), conf.as_ref())
            })
            .ok()
            .flatten();
        let conn = resolved
            .as_deref()
            .and_then(|u| crate::connect::open(Some(u), true, keepalive).ok());
        values(cmd, opt, given, conn.as_ref(), &current.to_string_lossy())
    });
    CompleteEnv::with_factory(move || completion_model(source.clone()))
        .var(COMPLETE_VAR)
        .complete();
}

fn command_names(prefix: &str) -> Vec<String> {
    COMMANDS
        .iter()
        .filter(|c| c.name.starts_with(prefix) && !(c.command)().is_hide_set())
        .map(|c| c.name.to_string())
        .collect()
}

/// The options not given yet (an argv option may repeat), as `--name`.
fn option_names(scan: &Scan, prefix: &str) -> Vec<String> {
    (0..scan.opts.len())
        .filter(|i| scan.opts[*i].kind == OptKind::Argv || !scan.seen(*i))
        .map(|i| format!("--{}", scan.opts[i].name))
        .filter(|n| n.starts_with(prefix))
        .collect()
}

fn values_for(
    def: &CommandDef,
    opt: &str,
    scan: &Scan,
    conn: Option<&Connection>,
    prefix: &str,
) -> Vec<String> {
    let names = match Values::of(def.complete, opt) {
        Values::Fixed(list) => list.iter().map(|v| v.to_string()).collect(),
        Values::Files => return file_names(prefix),
        Values::Nothing => Vec::new(),
        live => match conn {
            Some(conn) => live_names(conn, live, scan),
            None => Vec::new(),
        },
    };
    names
        .into_iter()
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// Names of live objects, sorted.
fn live_names(conn: &Connection, values: Values, scan: &Scan) -> Vec<String> {
    let mut names: Vec<String> = match values {
        Values::Domains(filter) => {
            type F = DomainListFlags;
            let flags = match filter {
                DomainFilter::All => F::default(),
                DomainFilter::Active => F::ACTIVE,
                DomainFilter::Inactive => F::INACTIVE,
                DomainFilter::Paused => F::PAUSED,
                DomainFilter::InactivePersistent => F::INACTIVE | F::PERSISTENT,
                DomainFilter::Running => F::RUNNING,
                DomainFilter::Other => F::OTHER,
                DomainFilter::ManagedSave => F::MANAGEDSAVE,
            };
            let doms = conn.domains().list_domains(flags).unwrap_or_default();
            doms.into_iter().map(|d| d.name).collect()
        }
        Values::Pools(filter) => {
            let flags = match filter {
                Activity::All => PoolListFlags::default(),
                Activity::Active => PoolListFlags::ACTIVE,
                Activity::Inactive => PoolListFlags::INACTIVE,
            };
            let pools = conn.storage().list_pools(flags).unwrap_or_default();
            pools.into_iter().map(|p| p.name).collect()
        }
        Values::Networks(filter) => {
            let flags = match filter {
                Activity::All => NetworkListFlags::default(),
                Activity::Active => NetworkListFlags::ACTIVE,
                Activity::Inactive => NetworkListFlags::INACTIVE,
            };
            let nets = conn.networks().list_networks(flags).unwrap_or_default();
            nets.into_iter().map(|n| n.name).collect()
        }
        Values::Volumes => {
            let storage = conn.storage();
            let named = scan
                .find("pool")
                .and_then(|i| scan.filled.iter().find(|(j, _)| *j == i))
                .and_then(|(_, v)| v.as_ref())
                .map(|p| p.to_string_lossy().into_owned());
            let pools = match named {
                Some(p) => storage.pool_by_name(&p).into_iter().collect(),
                None => storage
                    .list_pools(PoolListFlags::ACTIVE)
                    .unwrap_or_default(),
            };
            pools
                .iter()
                .flat_map(|p| storage.list_volumes(p).unwrap_or_default())
                .map(|v| v.name)
                .collect()
        }
        Values::Files | Values::Fixed(_) | Values::Nothing => Vec::new(),
    };
    names.sort();
    names.dedup();
    names
}

/// Paths that start with `prefix`; directories end with `/`.
fn file_names(prefix: &str) -> Vec<String> {
    let (dir, stem) = match prefix.rfind('/') {
        Some(i) => (&prefix[..=i], &prefix[i + 1..]),
        None => ("", prefix),
    };
    let read_from = if dir.is_empty() {
        Path::new(".")
    } else {
        Path::new(dir)
    };
    let Ok(entries) = std::fs::read_dir(read_from) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(stem) || (name.starts_with('.') && !stem.starts_with('.')) {
                return None;
            }
            let slash = if e.path().is_dir() { "/" } else { "" };
            Some(format!("{dir}{name}{slash}"))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let mut w: Vec<String> = s.split_whitespace().map(String::from).collect();
        if s.ends_with(' ') || s.is_empty() {
            w.push(String::new());
        }
        w
    }

    fn run(line: &str, empty: EmptyWord) -> Vec<String> {
        let conn =
            crate::connect::open(Some("test:///default"), false, Default::default()).unwrap();
        conn.domains()
            .define_domain(
                "<domain type='test'><name>off</name><memory>1024</memory><os><type>hvm</type></os></domain>",
            )
            .unwrap();
        complete(&words(line), Some(&conn), empty)
    }

    #[test]
    fn commands_options_and_objects() {
        assert_eq!(run("domin", EmptyWord::Options), vec!["dominfo"]);
        assert_eq!(run("dominfo te", EmptyWord::Options), vec!["test"]);
        assert_eq!(
            run("pool-info def", EmptyWord::Options),
            vec!["default-pool"]
        );
        assert_eq!(run("start ", EmptyWord::ValuesThenOptions)[0], "off");
        assert!(
            run("start t", EmptyWord::Options).is_empty(),
            "test is running"
        );
        assert_eq!(run("shutdown ", EmptyWord::ValuesThenOptions)[0], "test");
        // A console is of a running domain only.
        let console = run("console ", EmptyWord::ValuesThenOptions);
        assert!(console.contains(&"test".to_string()) && !console.contains(&"off".to_string()));
        assert_eq!(
            run("domstate ", EmptyWord::Options),
            vec!["--domain", "--reason"]
        );
        assert_eq!(run("domstate test ", EmptyWord::Options), vec!["--reason"]);
        assert_eq!(
            run("echo --xm --s", EmptyWord::Options),
            vec!["--shell", "--split", "--string"]
        );
        assert_eq!(
            run("shutdown test --mode a", EmptyWord::Options),
            vec!["acpi", "agent"]
        );
        assert_eq!(
            run(
                "vol-create-as default-pool v 1G --format qc",
                EmptyWord::Options
            ),
            vec!["qcow", "qcow2"]
        );
    }
}
