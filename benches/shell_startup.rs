//! Interactive start-up: from spawning `virtsh -c test:///default` in a pseudo-terminal until
//! its banner and prompt are shown. Prints the median. `VIRTSH_BENCH_RUNS` sets the runs
//! (default 50).
//!
//!     cargo bench --bench shell_startup

use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::{Eof, Expect, Session};

fn main() {
    let runs: usize = std::env::var("VIRTSH_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let home = tempfile::tempdir().unwrap();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_virtsh"));
            cmd.args(["-c", "test:///default"])
                .env("TERM", "xterm")
                .env("XDG_CACHE_HOME", home.path());
            let started = Instant::now();
            let mut shell = Session::spawn(cmd).expect("virtsh starts");
            shell.expect("virtsh # ").expect("prompt");
            let elapsed = started.elapsed();
            shell.send("quit\r").unwrap();
            shell.expect(Eof).unwrap();
            elapsed
        })
        .collect();
    times.sort();
    println!("interactive start-up (banner and prompt shown), median of {runs} runs");
    println!(
        "  virtsh: {:8.3} ms",
        times[runs / 2].as_secs_f64() * 1000.0
    );
}
