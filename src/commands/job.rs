//! virsh's job watch (`virshWatchJob`) for the commands that run a long job on a domain
//! (`save`, `managedsave`, `dump`): with `--verbose`, how far the job is, on stderr as
//! `\rSave: [ 42.17 %]`, as the driver tells it, and `[100.00 %]` once the job succeeded;
//! without `--verbose` nothing, on a terminal too (virsh draws no bar of its own). What these
//! commands say when done starts with a blank line, as virsh's lines do.

use std::io::Write;

use crate::render::View;
use crate::session::Session;

pub struct JobWatch {
    label: &'static str,
    shown: bool,
}

impl JobWatch {
    /// A watch of the job called `label`; it shows with `verbose`, and never under `--json`
    /// (stderr carries JSON errors there).
    pub fn new(s: &mut Session, label: &'static str, verbose: bool) -> JobWatch {
        // As virsh flushes stdout before each progress line.
        s.out.flush();
        JobWatch {
            label,
            shown: verbose && !s.out.is_json(),
        }
    }

    /// How far the job is: `done` of `total` (what a driver's progress reports).
    pub fn progress(&self, done: u64, total: u64) {
        if total > 0 {
            self.show(total.saturating_sub(done), total);
        }
    }

    /// The job succeeded.
    pub fn finished(&self) {
        self.show(0, 1);
    }

    /// `virshPrintJobProgress`: 100 % only when nothing remains (99.99 at most before),
    /// truncated, not rounded, to two decimals.
    fn show(&self, remaining: u64, total: u64) {
        if !self.shown {
            return;
        }
        let percent = match remaining {
            0 => 100.0,
            r => (100.0 - r as f64 * 100.0 / total as f64).min(99.99),
        };
        let truncated = (percent * 100.0).trunc() / 100.0;
        let mut err = std::io::stderr();
        let _ = write!(err, "\r{}: [{truncated:5.2} %]", self.label);
        let _ = err.flush();
    }
}

/// What a job command says once done (`Domain 'x' saved to F`): after a blank line, and
/// dropped under `-q`, as virsh's `vshPrintExtra("\n...\n")`; in JSON, `{"message": ...}`.
#[derive(Debug)]
pub struct JobDone(pub String);

impl View for JobDone {
    fn text(&self, quiet: bool) -> String {
        match quiet {
            true => String::new(),
            false => format!("\n{}\n", self.0),
        }
    }
    fn json(&self) -> serde_json::Value {
        serde_json::json!({ "message": self.0 })
    }
}
