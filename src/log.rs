//! virsh's debug messages (`-d LEVEL`, `VIRSH_DEBUG`): written to stderr, and to the `-l`
//! log file, when their level is at or above the chosen one. A process-wide setting, like
//! virsh's, so that any layer can report what it tries.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Mutex;

/// virsh's levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Notice = 2,
    Warning = 3,
    Error = 4,
}

/// Above every level: nothing is printed.
const OFF: u8 = 5;

static LEVEL: AtomicU8 = AtomicU8::new(OFF);
static FILE: Mutex<Option<std::fs::File>> = Mutex::new(None);

/// Prints messages of `level` and above from now on.
pub fn set_level(level: u8) {
    LEVEL.store(level.min(OFF), Ordering::Relaxed);
}

/// Also appends every message to `file`.
pub fn set_file(file: std::fs::File) {
    *FILE.lock().unwrap_or_else(|e| e.into_inner()) = Some(file);
}

pub fn enabled(level: Level) -> bool {
    level as u8 >= LEVEL.load(Ordering::Relaxed)
}

/// One message (a line; the newline is added), if its level is enabled.
pub fn message(level: Level, text: &str) {
    if enabled(level) {
        let _ = writeln!(std::io::stderr(), "{text}");
        to_file(text);
    }
}

/// Appends a line to the `-l` log file, if there is one.
pub fn to_file(text: &str) {
    if let Some(f) = FILE.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        let _ = writeln!(f, "{text}");
    }
}

/// `debug!(Level::Info, "...", args)`: formats only when the message will be printed.
#[macro_export]
macro_rules! debug {
    ($level:expr, $($arg:tt)*) => {
        if $crate::log::enabled($level) {
            $crate::log::message($level, &format!($($arg)*));
        }
    };
}
