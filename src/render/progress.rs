//! Progress of long byte copies: an indicatif bar (bytes, rate, ETA) when stdout is a
//! terminal, and nothing at all otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for `total` bytes (`0`: not known yet).
    pub fn bytes(total: u64) -> Progress {
        Progress::styled(
            total,
            "{bytes}/{total_bytes} [{bar:30}] {binary_bytes_per_sec}, {eta} left",
        )
    }

    /// A bar for a share of work, told in per mille.
    pub fn fraction() -> Progress {
        Progress::styled(1000, "{percent:>3}% [{bar:30}] {eta} left")
    }

    fn styled(total: u64, template: &str) -> Progress {
        if !std::io::stdout().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress(Some(bar))
    }

    pub fn advance(&self, bytes: u64) {
        if let Some(b) = &self.0 {
            b.inc(bytes);
        }
    }

    /// Moves the bar to `done` of `total`.
    pub fn set(&self, done: u64, total: u64) {
        if let Some(b) = &self.0 {
            b.set_length(total);
            b.set_position(done);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
