//! What the benchmarks share: their size knobs and how a figure is taken.

// Each benchmark is a crate of its own and uses what it needs.
#![allow(dead_code)]

use std::time::Duration;

/// A size knob: the environment variable `name` as a number, else `default`.
pub fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The median of `v`, in milliseconds.
pub fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}
