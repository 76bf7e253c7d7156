//! Progress of long byte copies: an indicatif bar (bytes, rate, ETA) when stdout is a
//! terminal, and nothing at all otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for `total` bytes (`0`: unknown).
    pub fn bytes(total: u64) -> Progress {
        if !std::io::stdout().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::new(total);
        let template = "{bytes}/{total_bytes} [{bar:30}] {binary_bytes_per_sec}, {eta} left";
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

    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
