//! Completion of a partial command line: command names, the options a command has not been
//! given yet, and option values — live object names filtered the way the command implies
//! (`start` offers inactive domains, `shutdown` running ones, `vol-info --pool P` the volumes of
//! P), file names for file arguments, and fixed lists (`--mode`, `--format`).
//!
//! One engine serves the interactive shell's TAB key, the hidden `complete` command (virsh's
//! entry point for shell completion scripts) and the generated shell scripts.

use std::path::Path;
use std::sync::Arc;

use clap_complete::env::CompleteEnv;
use virtsh_commands::generate::{completion_model, ValueSource, COMPLETE_VAR};

use virtsh_commands::domain::SHUTDOWN_MODES;
use virtsh_commands::parse::{options, Opt, OptKind};
use virtsh_commands::volume::WIPE_ALGORITHMS;
use virtsh_commands::{find, CommandDef, COMMANDS};

use crate::driver::{DomainListFlags, Hypervisor, PoolListFlags};

/// What to offer for an empty word where a value may go. virsh's `complete` offers the
/// remaining options; the interactive shell offers the values first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmptyWord {
    Options,
    ValuesThenOptions,
}

/// Candidates for the last of `words` (the word being typed; empty after a space).
pub fn complete(words: &[String], conn: Option<&dyn Hypervisor>, empty: EmptyWord) -> Vec<String> {
    let Some((current, before)) = words.split_last() else {
        return command_names("");
    };
    if before.is_empty() {
        return command_names(current);
    }
    let Some(def) = find(&before[0]) else {
        return Vec::new();
    };
    let opts = options(def);
    // Like virsh: words that do not parse (an unknown option) count as nothing given.
    let unknown = before[1..].iter().any(|w| {
        w.strip_prefix("--")
            .map(|n| n.split('=').next().unwrap_or_default())
            .is_some_and(|n| {
                !n.is_empty()
                    && !opts
                        .iter()
                        .any(|o| o.name == n || o.aliases.iter().any(|a| a == n))
            })
    });
    let given = if unknown { &[][..] } else { &before[1..] };
    if current.starts_with('-') {
        return option_names(def, &opts, given, current);
    }
    let target = value_slot(def, &opts, given);
    let values = || -> Vec<String> {
        target
            .map(|opt| values_for(def, opt, given, conn, current))
            .unwrap_or_default()
    };
    match (current.is_empty(), empty) {
        (true, EmptyWord::Options) if !expects_named_value(&opts, given) => {
            option_names(def, &opts, given, "")
        }
        (true, _) => {
            let mut out = values();
            if !expects_named_value(&opts, given) {
                out.extend(option_names(def, &opts, given, ""));
            }
            out
        }
        (false, _) => values(),
    }
}

/// Values of option `opt` of command `cmd` that start with `prefix`; `given` holds the words
/// of the command typed so far (for `vol-* --pool P`).
pub fn values(
    cmd: &str,
    opt: &str,
    given: &[String],
    conn: Option<&dyn Hypervisor>,
    prefix: &str,
) -> Vec<String> {
    let Some(def) = find(cmd) else {
        return Vec::new();
    };
    let opts = options(def);
    match opts.iter().find(|o| o.name == opt) {
        Some(o) => values_for(def, o, given, conn, prefix),
        None => Vec::new(),
    }
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
    let uri = uri.or_else(|| crate::connect::default_uri(|k| std::env::var(k).ok()));
    let command_words = words.get(i..).map(<[String]>::to_vec).unwrap_or_default();
    let keepalive = crate::driver::remote::Keepalive {
        interval: 0,
        count: 0,
    };
    let source: ValueSource = Arc::new(move |cmd, opt, current| {
        let given = command_words
            .get(1..command_words.len().saturating_sub(1))
            .unwrap_or_default();
        let conn = uri
            .as_deref()
            .and_then(|u| crate::connect::open(Some(u), true, keepalive).ok());
        values(cmd, opt, given, conn.as_deref(), &current.to_string_lossy())
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
fn option_names(def: &CommandDef, opts: &[Opt], given: &[String], prefix: &str) -> Vec<String> {
    let used: Vec<&str> = given
        .iter()
        .filter_map(|w| w.strip_prefix("--"))
        .map(|w| w.split('=').next().unwrap_or_default())
        .collect();
    let filled = filled_positionals(def, opts, given);
    opts.iter()
        .filter(|o| o.kind == OptKind::Argv || !used.contains(&o.name.as_str()))
        .filter(|o| o.kind == OptKind::Argv || !filled.contains(&o.name))
        .map(|o| format!("--{}", o.name))
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// Whether the previous word is an option that still waits for its value.
fn expects_named_value(opts: &[Opt], given: &[String]) -> bool {
    given
        .last()
        .and_then(|w| w.strip_prefix("--"))
        .filter(|w| !w.contains('='))
        .and_then(|name| opts.iter().find(|o| o.name == name))
        .is_some_and(|o| o.kind != OptKind::Bool)
}

/// The positional options that bare words among `given` have filled.
fn filled_positionals(def: &CommandDef, opts: &[Opt], given: &[String]) -> Vec<String> {
    let mut named: Vec<String> = Vec::new();
    let mut bare = 0;
    let mut i = 0;
    while i < given.len() {
        let w = &given[i];
        if let Some(name) = w.strip_prefix("--") {
            let (name, inline) = match name.split_once('=') {
                Some((n, _)) => (n, true),
                None => (name, false),
            };
            if let Some(o) = opts.iter().find(|o| o.name == name) {
                named.push(o.name.clone());
                if o.kind != OptKind::Bool && !inline {
                    i += 1;
                }
            }
        } else {
            bare += 1;
        }
        i += 1;
    }
    let slots = positional_order(def, opts);
    let mut filled = named.clone();
    let mut remaining = slots.iter().filter(|o| !named.contains(&o.name));
    for _ in 0..bare {
        match remaining.next() {
            Some(o) if o.kind == OptKind::Argv => {
                filled.push(o.name.clone());
                break;
            }
            Some(o) => filled.push(o.name.clone()),
            None => break,
        }
    }
    filled
}

fn positional_order<'a>(def: &CommandDef, opts: &'a [Opt]) -> Vec<&'a Opt> {
    let mut out: Vec<&Opt> = opts.iter().filter(|o| o.positional).collect();
    out.extend(
        def.unwanted_positional
            .iter()
            .filter_map(|n| opts.iter().find(|o| o.name == *n)),
    );
    out
}

/// The option the word being typed is a value for: the one named just before it, else the
/// next positional one not yet filled.
fn value_slot<'a>(def: &CommandDef, opts: &'a [Opt], given: &[String]) -> Option<&'a Opt> {
    if expects_named_value(opts, given) {
        let name = &given.last()?[2..];
        return opts.iter().find(|o| o.name == name);
    }
    let filled = filled_positionals(def, opts, given);
    positional_order(def, opts)
        .into_iter()
        .find(|o| o.kind == OptKind::Argv || !filled.contains(&o.name))
}

/// The value of option `name` among `given`, if it was given by name.
fn given_value<'a>(given: &'a [String], name: &str) -> Option<&'a str> {
    let flag = format!("--{name}");
    given.iter().enumerate().find_map(|(i, w)| {
        if let Some(v) = w.strip_prefix(&format!("{flag}=")) {
            Some(v)
        } else if *w == flag {
            given.get(i + 1).map(String::as_str)
        } else {
            None
        }
    })
}

fn values_for(
    def: &CommandDef,
    opt: &Opt,
    given: &[String],
    conn: Option<&dyn Hypervisor>,
    prefix: &str,
) -> Vec<String> {
    let fixed: &[&str] = match (def.name, opt.name.as_str()) {
        ("shutdown" | "reboot", "mode") => &SHUTDOWN_MODES,
        ("vol-create-as", "format") => &["raw", "bochs", "qcow", "qcow2", "qed", "vmdk"],
        ("vol-wipe", "algorithm") => &WIPE_ALGORITHMS,
        ("pool-define-as" | "pool-create-as", "type") => &PoolListFlags::TYPES,
        _ => &[],
    };
    if !fixed.is_empty() {
        return fixed
            .iter()
            .filter(|v| v.starts_with(prefix))
            .map(|v| v.to_string())
            .collect();
    }
    if opt.name == "file" {
        return file_names(prefix);
    }
    let Some(conn) = conn else {
        return Vec::new();
    };
    let names = match opt.name.as_str() {
        "domain" => domain_names(conn, def.name),
        "pool" => pool_names(conn, def.name),
        "vol" => volume_names(conn, given_value(given, "pool")),
        _ => Vec::new(),
    };
    names
        .into_iter()
        .filter(|n| n.starts_with(prefix))
        .collect()
}

fn domain_names(conn: &dyn Hypervisor, command: &str) -> Vec<String> {
    type F = DomainListFlags;
    let flags = match command {
        "start" => F::INACTIVE,
        "shutdown" | "destroy" | "reboot" | "reset" | "suspend" | "domcontrol" => F::ACTIVE,
        "resume" => F::PAUSED,
        "domrename" => F::INACTIVE | F::PERSISTENT,
        _ => F::default(),
    };
    let mut names: Vec<String> = conn
        .list_domains(flags)
        .map(|d| d.into_iter().map(|d| d.name).collect())
        .unwrap_or_default();
    names.sort();
    names
}

fn pool_names(conn: &dyn Hypervisor, command: &str) -> Vec<String> {
    type F = PoolListFlags;
    let flags = match command {
        "pool-start" | "pool-delete" | "pool-build" | "pool-undefine" => F::INACTIVE,
        "pool-destroy" | "pool-refresh" => F::ACTIVE,
        c if c.starts_with("vol-") => F::ACTIVE,
        _ => F::default(),
    };
    let mut names: Vec<String> = conn
        .list_pools(flags)
        .map(|p| p.into_iter().map(|p| p.name).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The volumes of `pool`, or of every active pool.
fn volume_names(conn: &dyn Hypervisor, pool: Option<&str>) -> Vec<String> {
    let pools = match pool {
        Some(p) => conn.pool_by_name(p).into_iter().collect(),
        None => conn.list_pools(PoolListFlags::ACTIVE).unwrap_or_default(),
    };
    let mut names: Vec<String> = pools
        .iter()
        .flat_map(|p| conn.list_volumes(p).unwrap_or_default())
        .map(|v| v.name)
        .collect();
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
    use crate::driver::test::TestDriver;

    fn words(s: &str) -> Vec<String> {
        let mut w: Vec<String> = s.split_whitespace().map(String::from).collect();
        if s.ends_with(' ') || s.is_empty() {
            w.push(String::new());
        }
        w
    }

    fn run(line: &str, empty: EmptyWord) -> Vec<String> {
        let conn = TestDriver::open_default("test:///default").unwrap();
        conn.define_domain(
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
