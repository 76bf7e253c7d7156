//! Where results go: stdout for results, stderr for `error:` lines (stdout is flushed first, as
//! virsh does, so the two interleave in order on a terminal), as virsh's text or as JSON.

use std::io::{self, BufWriter, Stdout, Write};
use std::time::Duration;

use crate::render::{json, Failure, Outcome};

pub struct Output {
    out: BufWriter<Stdout>,
    json: bool,
}

impl Output {
    /// Whether output is `--json`.
    pub fn is_json(&self) -> bool {
        self.json
    }

    pub fn new(json: bool) -> Output {
        Output {
            out: BufWriter::new(io::stdout()),
            json,
        }
    }

    /// Writes to stdout, ignoring a closed pipe (`virtsh list | head -1`); names kept as
    /// bytes (see `crate::bytes`) go out as those bytes.
    pub fn print(&mut self, text: &str) {
        let bytes = crate::bytes::to_bytes(text);
        self.print_bytes(&bytes);
    }

    pub fn print_bytes(&mut self, bytes: &[u8]) {
        let _ = self.out.write_all(bytes);
    }

    fn eprint(&mut self, bytes: &[u8]) {
        let _ = self.out.flush();
        let _ = io::stderr().write_all(bytes);
    }

    pub fn outcome(&mut self, outcome: &Outcome, quiet: bool) {
        if self.json {
            if let Some(v) = json::value(outcome) {
                self.print(&format!("{v}\n"));
            }
            return;
        }
        match outcome {
            Outcome::Nothing => {}
            Outcome::Message(m) if !quiet => {
                self.print_bytes(&m.0);
                self.print("\n");
            }
            Outcome::Note(n) if !quiet => self.print(n),
            Outcome::Message(_) | Outcome::Note(_) => {}
            Outcome::Value(v) => {
                self.print_bytes(&v.0);
                self.print("\n");
            }
            Outcome::Text(t) => self.print_bytes(t),
            Outcome::ErrText(t) => self.eprint(t),
            Outcome::Xml(x) => self.print(x),
            Outcome::Data(view) => self.print(&view.text(quiet)),
        }
    }

    /// An error of a command or of the command line.
    pub fn error(&mut self, f: &Failure) {
        // The command's output before its failure (JSON already under --json).
        self.print_bytes(&f.before);
        if f.lines.is_empty() {
            return;
        }
        if self.json {
            let message = f.lines.join(": ");
            self.eprint(format!("{}\n", json::error(f.code, &message)).as_bytes());
            return;
        }
        let text: String = f.lines.iter().map(|l| format!("error: {l}\n")).collect();
        self.eprint(&crate::bytes::to_bytes(&text));
    }

    /// A one-line error that is not a command's (bad option, parse error).
    pub fn fatal(&mut self, message: &str) {
        self.error(&Failure::message(message));
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
