//! One bound for several waits: the steps of a connection's making (the TCP connect to each
//! address, the ssh or TLS handshake, a `Match exec`, the daemon's first answers) share one
//! deadline, so that their timeouts never add up.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    start: Instant,
    limit: Duration,
}

impl Deadline {
    /// `limit` from now.
    pub fn after(limit: Duration) -> Deadline {
        Deadline {
            start: Instant::now(),
            limit,
        }
    }

    /// The same start with another limit (the ssh configuration's `ConnectTimeout`, once
    /// read).
    pub fn set_limit(&mut self, limit: Duration) {
        self.limit = limit;
    }

    /// The whole time allowed, as messages state it.
    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// What is left of it (zero once it passed). Computed from the time elapsed, never as an
    /// instant in the future: no limit, however large, can overflow the clock.
    pub fn left(&self) -> Duration {
        self.limit.saturating_sub(self.start.elapsed())
    }

    pub fn passed(&self) -> bool {
        self.left().is_zero()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_limits_neither_overflow_nor_pass() {
        let d = Deadline::after(Duration::MAX);
        assert!(!d.passed());
        assert!(d.left() > Duration::from_secs(u64::MAX / 2));
        let mut d = Deadline::after(Duration::from_secs(60));
        d.set_limit(Duration::ZERO);
        assert!(d.passed());
        assert_eq!(d.left(), Duration::ZERO);
    }
}
