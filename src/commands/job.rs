//! virsh's job watch (`virshWatchJob`) for the commands that run a long job on a domain
//! (`save`, `managedsave`, `dump`): with `--verbose`, how far the job is, on stderr as
//! `\rSave: [ 42.17 %]`, at most every half second as virsh polls, and `[100.00 %]` once the
//! job succeeded. Without `--verbose`, a progress bar while stdout is a terminal (cleared
//! when done, so nothing of it stays; virsh draws none), and nothing otherwise. What these
//! commands say when done starts with a blank line, as virsh's lines do.

use std::cell::Cell;
use std::io::Write;
use std::time::{Duration, Instant};

use crate::render::progress::Progress;
use crate::render::View;
use crate::session::Session;

/// How often virsh asks how far a job is.
const POLL: Duration = Duration::from_millis(500);

pub struct JobWatch {
    label: &'static str,
    shown: bool,
    /// When the last line was printed.
    last: Cell<Option<Instant>>,
    bar: Option<Progress>,
}

impl JobWatch {
    /// A watch of the job called `label`; it shows with `verbose`, and never under `--json`
    /// (stderr carries JSON errors there).
    pub fn new(s: &mut Session, label: &'static str, verbose: bool) -> JobWatch {
        // As virsh flushes stdout before each progress line.
        s.out.flush();
        let shown = verbose && !s.out.is_json();
        let bar = (!verbose && !s.out.is_json() && !s.opts.quiet).then(|| Progress::bytes(0));
        JobWatch {
            label,
            shown,
            last: Cell::new(None),
            bar,
        }
    }

    /// How far the job is: `done` of `total` (what a driver's progress reports).
    pub fn progress(&self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set(done, total);
        }
        let due = self.last.get().is_none_or(|t| t.elapsed() >= POLL);
        if total > 0 && done < total && due {
            self.last.set(Some(Instant::now()));
            self.show(total - done, total);
        }
    }

    /// The job succeeded: the bar goes, and `--verbose` says 100 %.
    pub fn finished(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
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

/// A job that failed takes its bar with it.
impl Drop for JobWatch {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
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
