//! One-shot start-up: `list --all` on test:///default, virtsh against the real virsh, in one
//! run. Prints both medians and the ratio. `VIRTSH_BENCH_RUNS` sets the runs per program
//! (default 200).
//!
//!     cargo bench --bench startup

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn median_run(program: &str, runs: usize) -> Duration {
    let args = ["-c", "test:///default", "list", "--all"];
    let once = || {
        let started = Instant::now();
        let status = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(status.success(), "{program} {args:?} failed");
        started.elapsed()
    };
    for _ in 0..10 {
        once();
    }
    let mut times: Vec<Duration> = (0..runs).map(|_| once()).collect();
    times.sort();
    times[runs / 2]
}

fn main() {
    let runs: usize = std::env::var("VIRTSH_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let virtsh = median_run(env!("CARGO_BIN_EXE_virtsh"), runs);
    let virsh = median_run("virsh", runs);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("one-shot `list --all` on test:///default, median of {runs} runs");
    println!("  virsh : {:8.3} ms", ms(virsh));
    println!("  virtsh: {:8.3} ms", ms(virtsh));
    println!("  ratio : {:8.3} (virtsh / virsh)", ms(virtsh) / ms(virsh));
}
