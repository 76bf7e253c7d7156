//! Where results go: stdout for results, stderr for `error:` lines (stdout is flushed first, as
//! virsh does, so the two interleave in order on a terminal).

use std::io::{self, BufWriter, Stdout, Write};
use std::time::Duration;

use crate::exec::CmdError;
use crate::render::{self, json, Outcome};

pub struct Console {
    out: BufWriter<Stdout>,
    json: bool,
}

impl Console {
    pub fn new(json: bool) -> Console {
        Console {
            out: BufWriter::new(io::stdout()),
            json,
        }
    }

    /// Writes to stdout, ignoring a closed pipe (`virtsh list | head -1`).
    pub fn print(&mut self, text: &str) {
        let _ = self.out.write_all(text.as_bytes());
    }

    fn eprint(&mut self, text: &str) {
        let _ = self.out.flush();
        let _ = io::stderr().write_all(text.as_bytes());
    }

    pub fn outcome(&mut self, outcome: &Outcome, quiet: bool) {
        if self.json {
            if let Some(v) = json::value(outcome) {
                self.print(&format!("{v}\n"));
            }
            return;
        }
        let printed = render::text(outcome, quiet);
        self.print(&printed.stdout);
        if !printed.stderr.is_empty() {
            self.eprint(&printed.stderr);
        }
    }

    /// An error of a command or of the command line.
    pub fn error(&mut self, e: &CmdError) {
        if e.lines().is_empty() {
            return;
        }
        if self.json {
            let message = e.lines().join(": ");
            self.eprint(&format!("{}\n", json::error(e.code(), &message)));
            return;
        }
        let text: String = e.lines().iter().map(|l| format!("error: {l}\n")).collect();
        self.eprint(&text);
    }

    /// A one-line error that is not a command's (bad option, parse error).
    pub fn fatal(&mut self, message: &str) {
        self.error(&CmdError::message(message));
    }

    /// What virsh prints after every command: a blank line, or the timing. Output is flushed
    /// here so that it stays in order with the debug messages of the next command.
    pub fn end_command(&mut self, quiet: bool, timing: Option<Duration>) {
        if !self.json {
            match timing {
                Some(t) => self.print(&format!("\n(Time: {:.3} ms)\n\n", t.as_secs_f64() * 1000.0)),
                None if !quiet => self.print("\n"),
                None => {}
            }
        }
        self.flush();
    }

    pub fn flush(&mut self) {
        let _ = self.out.flush();
    }
}
