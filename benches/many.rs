//! `list --all` of many defined domains on libvirtd (`qemu:///system`; scripts/setup-test-env.sh
//! starts it), virtsh's remote driver against virsh, one-shot each, median of the runs; and
//! virtsh's embedded driver listing as many. The domains are defined for the run (diskless,
//! never started) and undefined after it.
//!
//! `VIRTSH_BENCH_DOMAINS` sets how many (default 1000), `VIRTSH_BENCH_RUNS` the runs (11).
//!
//!     cargo bench --bench many

use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::knob;

const VIRTSH: &str = env!("CARGO_BIN_EXE_virtsh");
const PREFIX: &str = "virtsh-bench-many-";

fn timed(program: &str, uri: &str) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    let o = Command::new(program)
        .args(["-q", "-c", uri, "list", "--all"])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert!(
        o.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (took, o.stdout)
}

fn median(program: &str, uri: &str, runs: usize) -> (f64, Vec<u8>) {
    let mut out = Vec::new();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let (t, o) = timed(program, uri);
            out = o;
            t
        })
        .collect();
    times.sort();
    (times[runs / 2].as_secs_f64() * 1000.0, out)
}

/// One batch of `define` commands for the domains `from..to`, run by `program` on `uri`.
fn define_all(program: &str, uri: &str, dir: &std::path::Path, count: usize) {
    let mut script = String::new();
    for i in 0..count {
        let name = format!("{PREFIX}{i:04}");
        let path = dir.join(format!("{name}.xml"));
        std::fs::write(
            &path,
            format!(
                "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory>\
                 <os><type arch='x86_64'>hvm</type></os></domain>"
            ),
        )
        .unwrap();
        script.push_str(&format!("define {};", path.display()));
    }
    let o = Command::new(program)
        .args(["-q", "-c", uri, &script])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn undefine_all(program: &str, uri: &str, count: usize) {
    let script: String = (0..count)
        .map(|i| format!("undefine {PREFIX}{i:04};"))
        .collect();
    let _ = Command::new(program)
        .args(["-q", "-c", uri, &script])
        .output();
}

fn main() {
    let count = knob("VIRTSH_BENCH_DOMAINS", 1000);
    let runs = knob("VIRTSH_BENCH_RUNS", 11);
    let dir = tempfile::tempdir().unwrap();
    let system = "qemu:///system";
    undefine_all(VIRTSH, system, count);
    define_all(VIRTSH, system, dir.path(), count);
    let (virsh, theirs) = median("virsh", system, runs);
    let (remote, ours) = median(VIRTSH, system, runs);
    assert_eq!(ours, theirs, "virtsh lists what virsh lists");
    undefine_all(VIRTSH, system, count);
    let root = dir.path().join("root");
    let embedded = format!("qemu:///embed?root={}", root.display());
    define_all(VIRTSH, &embedded, dir.path(), count);
    let (local, _) = median(VIRTSH, &embedded, runs);
    println!("list --all of {count} defined domains, median of {runs} one-shot runs");
    println!(
        "  libvirtd (qemu:///system): virsh {virsh:7.1} ms   virtsh {remote:7.1} ms   ratio {:.3}",
        remote / virsh
    );
    println!("  virtsh embedded driver:    {local:7.1} ms");
}
