//! The binary's flow: global options, the connection, then each command in turn, with virsh's
//! exit status (that of the last command).

use std::time::Instant;

use virtsh_commands::parse::{options, parse, Invocation, OptKind, ParseError};

use crate::cli::{usage, Action, Cli};
use crate::connect::default_uri;
use crate::console::Console;
use crate::debug;
use crate::exec::Session;
use crate::log::{self, Level};
use crate::shell::{repl, tokenizer};
use crate::LIBVIRT_VERSION;

/// Runs virtsh with `args` (without the program name); returns the exit status.
pub fn main(args: &[String]) -> i32 {
    let cli = match Cli::parse(args) {
        Ok(c) => c,
        Err(e) => {
            let mut console = Console::new(args.iter().any(|a| a == "--json"));
            console.fatal(&e.to_string());
            console.flush();
            return 1;
        }
    };
    let mut console = Console::new(cli.opts.json);
    for w in &cli.warnings {
        console.fatal(w);
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
                console.fatal(&format!(
                    "failed to open the log file '{path}': {}",
                    crate::driver::error::strerror(&e)
                ));
                return 1;
            }
        }
    }
    let status = run(cli, &mut console);
    console.flush();
    status
}

fn run(cli: Cli, console: &mut Console) -> i32 {
    let words = match &cli.action {
        Action::Usage => {
            console.print(&usage());
            return 0;
        }
        Action::VersionShort => {
            console.print(&format!("{LIBVIRT_VERSION}\n"));
            return 0;
        }
        Action::VersionLong => {
            console.print(&format!(
                "virtsh {} (virsh of libvirt {LIBVIRT_VERSION}, compatible)\n\nDrivers: Test\n",
                env!("CARGO_PKG_VERSION")
            ));
            return 0;
        }
        Action::Interactive => None,
        Action::Script(s) => match tokenizer::split(s) {
            Ok(commands) if log::enabled(Level::Info) => {
                debug!(Level::Info, "commands: \"{s}\"");
                Some(commands)
            }
            Ok(commands) => Some(commands),
            Err(e) => {
                console.fatal(&e.to_string());
                return 1;
            }
        },
        Action::Words(w) => Some(vec![w.clone()]),
    };
    // virsh parses the whole batch before it connects: a syntax error anywhere runs nothing.
    let invocations = match words.as_deref().map(parse_all).transpose() {
        Ok(i) => i,
        Err(e) => {
            console.fatal(&e.to_string());
            return 1;
        }
    };
    let uri = cli
        .connect
        .clone()
        .or_else(|| default_uri(|k| std::env::var(k).ok()));
    let mut session = Session::new(cli.opts.clone(), uri.clone());
    if uri.is_some() {
        if let Err(e) = session.connect() {
            console.error(&e);
            return 1;
        }
    }
    match invocations {
        Some(invocations) => run_batch(&mut session, console, &invocations).0,
        None => repl::run(session, console, run_line),
    }
}

/// Parses every command; a command whose name starts with `#` is a comment.
fn parse_all(commands: &[Vec<String>]) -> Result<Vec<Invocation>, ParseError> {
    let mut out = Vec::with_capacity(commands.len());
    for words in commands.iter().filter(|c| !c[0].starts_with('#')) {
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
    let opts = options(inv.def);
    let mut argv_index = 0;
    let cmd = inv.def.name;
    for (name, value) in &inv.values {
        let kind = opts.iter().find(|o| &o.name == name).map(|o| o.kind);
        match (kind, value) {
            (Some(OptKind::Argv), Some(v)) => {
                debug!(Level::Info, "{cmd}: {name}(argv: {argv_index}): {v}");
                argv_index += 1;
            }
            (_, Some(v)) => debug!(Level::Info, "{cmd}: {name}(optdata): {v}"),
            (_, None) => debug!(Level::Info, "{cmd}: {name}(bool)"),
        }
    }
}

/// Runs commands in order; every one runs even after a failure. Returns the status of the
/// last one and whether a `quit` was seen.
fn run_batch(
    session: &mut Session,
    console: &mut Console,
    invocations: &[Invocation],
) -> (i32, bool) {
    let mut status = 0;
    for inv in invocations {
        let started = Instant::now();
        let ran = session.run(inv);
        if let Some(notice) = ran.notice {
            console.fatal(notice);
        }
        status = match &ran.outcome {
            Ok(outcome) => {
                console.outcome(outcome, session.opts.quiet);
                0
            }
            Err(e) => {
                console.error(e);
                1
            }
        };
        // `quit` ends the run before virsh's blank line.
        if ran.quit {
            console.flush();
            return (status, true);
        }
        let timing = session.opts.timing.then(|| started.elapsed());
        console.end_command(session.opts.quiet, timing);
    }
    (status, false)
}

/// One line of the interactive shell; true when it asked to leave.
fn run_line(session: &mut Session, console: &mut Console, line: &str) -> bool {
    let parsed = tokenizer::split(line)
        .map_err(|e| e.to_string())
        .and_then(|c| parse_all(&c).map_err(|e| e.to_string()));
    match parsed {
        Ok(invocations) => run_batch(session, console, &invocations).1,
        Err(message) => {
            console.fatal(&message);
            false
        }
    }
}
