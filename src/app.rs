//! The binary's flow: global options, the connection, then each command in turn, with virsh's
//! exit status (that of the last command).

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::time::Instant;

use virtsh_commands::global::usage;
use virtsh_commands::parse::{parse, Invocation, OptKind, ParseError};

use crate::cli::{Action, Cli};
use crate::connect::named_uri;
use crate::debug;
use crate::log::{self, Level};
use crate::output::Output;
use crate::session::Session;
use crate::shell::{repl, tokenizer};
use crate::LIBVIRT_VERSION;

/// Runs virtsh with `args` (without the program name); returns the exit status.
pub fn main(args: &[OsString]) -> i32 {
    if let Some(status) = crate::roles::run_if_helper(args) {
        return status;
    }
    let cli = match Cli::parse(args) {
        Ok(c) => c,
        Err(e) => {
            let mut out = Output::new(args.iter().any(|a| a == "--json"));
            out.fatal(&e.to_string());
            out.flush();
            return 1;
        }
    };
    let mut out = Output::new(cli.opts.json);
    for w in &cli.warnings {
        out.fatal(w);
    }
    let level = cli.opts.debug.or_else(|| {
        std::env::var("VIRSH_DEBUG")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|l| *l <= 4)
    });
    if let Some(level) = level {
        log::set_level(level);
    }
    let log_file = cli
        .opts
        .log_file
        .clone()
        .or_else(|| std::env::var("VIRSH_LOG_FILE").ok());
    if let Some(path) = log_file {
        match std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
        {
            Ok(f) => log::set_file(f),
            Err(e) => {
                out.fatal(&format!(
                    "failed to open the log file '{path}': {}",
                    crate::sys::strerror(&e)
                ));
                out.flush();
                return 1;
            }
        }
    }
    out.flush();
    run(cli)
}

fn run(cli: Cli) -> i32 {
    let mut out = Output::new(cli.opts.json);
    if matches!(cli.action, Action::Script(_) | Action::Words(_)) {
        crate::driver::remote::warm::set_one_shot();
    }
    let words = match &cli.action {
        Action::Usage => {
            out.print(&usage());
            out.flush();
            return 0;
        }
        Action::VersionShort => {
            out.print(&format!("{LIBVIRT_VERSION}\n"));
            out.flush();
            return 0;
        }
        Action::VersionLong => {
            out.print(&format!(
                "virtsh {} (virsh of libvirt {LIBVIRT_VERSION}, compatible)\n\n\
                 Compiled with support for:\n \
                 Hypervisors: QEMU (embedded) Test Remote\n \
                 Networking: Remote Network Bridging\n \
                 Storage: Dir\n \
                 Miscellaneous: Readline\n",
                env!("CARGO_PKG_VERSION")
            ));
            out.flush();
            return 0;
        }
        Action::Warm => {
            out.outcome(&crate::commands::warm::list(), cli.opts.quiet);
            out.flush();
            return 0;
        }
        Action::WarmStop(uri) => {
            let status = match crate::commands::warm::stop(uri.as_deref()) {
                Ok(o) => {
                    out.outcome(&o, cli.opts.quiet);
                    0
                }
                Err(e) => {
                    out.error(&e.failure());
                    1
                }
            };
            out.flush();
            return status;
        }
        Action::Interactive => None,
        Action::Script(s) => match tokenizer::split(s.as_bytes()) {
            Ok(commands) => {
                debug!(Level::Info, "commands: \"{}\"", s.to_string_lossy());
                Some(commands)
            }
            Err(e) => {
                out.fatal(&e.to_string());
                out.flush();
                return 1;
            }
        },
        Action::Words(w) => Some(vec![w.clone()]),
    };
    // virsh parses the whole batch before it connects: a syntax error anywhere runs nothing.
    let invocations = match words.as_deref().map(parse_all).transpose() {
        Ok(i) => i,
        Err(e) => {
            out.fatal(&e.to_string());
            out.flush();
            return 1;
        }
    };
    // `-c ''` is no URI at all, as in virsh.
    let uri = cli
        .connect
        .clone()
        .filter(|u| !u.is_empty())
        .or_else(|| named_uri(|k| std::env::var(k).ok()));
    let mut session = Session::new(cli.opts.clone(), uri.clone());
    if uri.is_some() {
        if let Err(e) = session.connect() {
            session.out.error(&e.failure());
            session.out.flush();
            return 1;
        }
    }
    match invocations {
        Some(invocations) => run_batch(&mut session, &invocations).0,
        None => repl::run(session, run_line),
    }
}

/// Parses every command; a command whose name starts with `#` is a comment.
fn parse_all(commands: &[Vec<OsString>]) -> Result<Vec<Invocation>, ParseError> {
    let mut out = Vec::with_capacity(commands.len());
    for words in commands
        .iter()
        .filter(|c| !c[0].as_bytes().starts_with(b"#"))
    {
        let inv = parse(words)?;
        trace(&inv);
        out.push(inv);
    }
    Ok(out)
}

/// virsh's INFO trace of what the parser assigned to each option.
fn trace(inv: &Invocation) {
    if !log::enabled(Level::Info) {
        return;
    }
    let mut argv_index = 0;
    let cmd = inv.def.name;
    for (name, kind, value) in &inv.filled {
        match (kind, value) {
            (OptKind::Argv, Some(v)) => {
                debug!(
                    Level::Info,
                    "{cmd}: {name}(argv: {argv_index}): {}",
                    v.to_string_lossy()
                );
                argv_index += 1;
            }
            (_, Some(v)) => debug!(
                Level::Info,
                "{cmd}: {name}(optdata): {}",
                v.to_string_lossy()
            ),
            (_, None) => debug!(Level::Info, "{cmd}: {name}(bool)"),
        }
    }
}

/// Runs commands in order; every one runs even after a failure. Returns the status of the
/// last one and whether a `quit` was seen.
fn run_batch(session: &mut Session, invocations: &[Invocation]) -> (i32, bool) {
    let mut status = 0;
    for inv in invocations {
        let started = Instant::now();
        let ran = session.run(inv);
        for notice in &ran.notices {
            session.out.fatal(notice);
        }
        status = match &ran.outcome {
            Ok(outcome) => {
                session.out.outcome(outcome, session.opts.quiet);
                0
            }
            Err(e) => {
                session.out.error(&e.failure());
                1
            }
        };
        // `quit` ends the run before virsh's blank line.
        if ran.quit {
            session.out.flush();
            return (status, true);
        }
        let timing = session.opts.timing.then(|| started.elapsed());
        session.out.end_command(session.opts.quiet, timing);
    }
    session.out.flush();
    (status, false)
}

/// One line of the interactive shell; true when it asked to leave.
fn run_line(session: &mut Session, line: &[u8]) -> bool {
    let parsed = tokenizer::split(line)
        .map_err(|e| e.to_string())
        .and_then(|c| parse_all(&c).map_err(|e| e.to_string()));
    match parsed {
        Ok(invocations) => run_batch(session, &invocations).1,
        Err(message) => {
            session.out.fatal(&message);
            false
        }
    }
}
