//! The remote driver against the real virsh, in one run (a libvirtd must answer on its unix
//! socket):
//! - per-call cost on a live connection: one batch of 400 `dominfo test` over
//!   `test+unix:///default`;
//! - one-shot `list --all` over `qemu+ssh://` when `VIRTSH_BENCH_SSH` names an ssh URI (for
//!   example `qemu+ssh://root@127.0.0.1:2222/system?keyfile=...`), against `ssh host true`.
//!
//! `VIRTSH_BENCH_RUNS` sets the runs per program (default 11).
//!
//!     cargo bench --bench remote

use std::process::Command;
use std::time::{Duration, Instant};

fn median(program: &str, args: &[&str], runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let o = Command::new(program).args(args).output().unwrap();
            assert!(
                o.status.success(),
                "{program} {args:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let runs: usize = std::env::var("VIRTSH_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(11);
    let batch = "dominfo test;".repeat(400);
    let args = ["-q", "-c", "test+unix:///default", batch.as_str()];
    let virsh = median("virsh", &args, runs);
    let ours = median(env!("CARGO_BIN_EXE_virtsh"), &args, runs);
    println!("400 x dominfo test in one batch over test+unix:///default, median of {runs} runs");
    println!("  virsh : {:8.1} ms", ms(virsh));
    println!("  virtsh: {:8.1} ms", ms(ours));
    println!("  ratio : {:8.3}", ms(ours) / ms(virsh));
    if let Ok(uri) = std::env::var("VIRTSH_BENCH_SSH") {
        let args = ["-q", "-c", uri.as_str(), "list", "--all"];
        let virsh = median("virsh", &args, runs);
        let ours = median(env!("CARGO_BIN_EXE_virtsh"), &args, runs);
        let floor_args = ssh_true_args(&uri);
        let floor = median(
            "ssh",
            &floor_args.iter().map(String::as_str).collect::<Vec<_>>(),
            runs,
        );
        println!("one-shot list --all over {uri}, median of {runs} runs");
        println!("  ssh host true: {:8.1} ms (the floor)", ms(floor));
        println!("  virsh        : {:8.1} ms", ms(virsh));
        println!(
            "  virtsh       : {:8.1} ms (floor + {:.1} ms)",
            ms(ours),
            ms(ours) - ms(floor)
        );
    }
}

/// `ssh [-l user] [-p port] host true` for the host of an ssh URI.
fn ssh_true_args(uri: &str) -> Vec<String> {
    let authority = uri
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_default();
    let (user, hostport) = match authority.split_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    };
    let mut args = vec!["-T".to_string(), "-o".into(), "BatchMode=yes".into()];
    if let Some(u) = user {
        args.extend(["-l".into(), u.into()]);
    }
    if let Some(p) = port {
        args.extend(["-p".into(), p.into()]);
    }
    args.extend([host.into(), "true".into()]);
    args
}
